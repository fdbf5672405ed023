/*
 * routes.c
 *    The one table of routes: method, path, handler, the roles that may
 *    call it, the resource it serves and the body it takes. openapi.yaml
 *    documents the same table (x-roles on each operation).
 *
 * Literal paths stand before parameterised ones: route_request (server.c)
 * tries the routes in this order and the first that matches takes the
 * request (a GET route answers HEAD too).
 */
#include "handlers.h"

#include "../lib/account.h"
#include "../lib/audit.h"
#include "../lib/calendar.h"
#include "../lib/casework.h"
#include "../lib/fund.h"
#include "../lib/group.h"
#include "../lib/people.h"
#include "../lib/plan.h"
#include "../lib/region.h"
#include "../lib/regional_fund.h"
#include "../lib/strategic_plan.h"
#include "../lib/register.h"
#include "../lib/webhook.h"

static const char *const import_query[] = {"la", NULL};
static const char *const links_query[] = {"la", "dry_run", NULL};
static const char *const rollover_query[] = {"academic_year", "dry_run", NULL};
static const char *const as_of_query[] = {"as_of", NULL};
static const char *const reviews_query[] = {"as_of", "within_days", NULL};
static const char *const unconfirmed_query[] = {"by", NULL};
static const char *const year_query[] = {"academic_year", NULL};
static const char *const year_as_of_query[] = {"academic_year", "as_of", NULL};
static const char *const totals_query[] = {"financial_year", "academic_year", NULL};
static const char *const authority_query[] = {"academic_year", "la", NULL};
static const char *const below_target_query[] = {"academic_year", "as_of", "la", NULL};
static const char *const pack_query[] = {"meeting", NULL};
static const char *const dry_run_query[] = {"dry_run", NULL};
static const char *const new_heads_query[] = {"as_of", "la", "group_id", NULL};

/* A stored resource's routes: list, create, read, change (and delete). */
#define RESOURCE_ROUTES_KEPT(path, def, read, write)                                              \
	{"GET", path, api_resource_list, read, def, BODY_NONE, NULL},                                  \
	{"POST", path, api_resource_create, write, def, BODY_JSON, NULL},                              \
	{"GET", path "/:id", api_resource_get, read, def, BODY_NONE, NULL},                            \
	{"PATCH", path "/:id", api_resource_patch, write, def, BODY_JSON, NULL}
#define RESOURCE_ROUTES(path, def, read, write)                                                   \
	RESOURCE_ROUTES_KEPT(path, def, read, write),                                                  \
	{"DELETE", path "/:id", api_resource_delete, write, def, BODY_NONE, NULL}

const struct route routes[] = {
	{"GET", "/healthz", api_healthz, 0, NULL, BODY_NONE, NULL},
	{"GET", "/metrics", api_metrics, 0, NULL, BODY_NONE, NULL},
	{"GET", "/docs", api_docs, 0, NULL, BODY_NONE, NULL},
	{"GET", "/docs/redoc.standalone.js", api_docs_script, 0, NULL, BODY_NONE, NULL},
	{"GET", "/readyz", api_readyz, 0, NULL, BODY_NONE, NULL},
	{"GET", "/openapi.yaml", api_openapi, 0, NULL, BODY_NONE, NULL},
	{"POST", "/v1/auth/token", api_token, 0, NULL, BODY_FORM, NULL},

	{"GET", "/v1/local-authorities", api_resource_list, ROLES_READ, &la_def, BODY_NONE, NULL},
	{"POST", "/v1/local-authorities", api_resource_create, ROLES_WRITE, &la_def, BODY_JSON, NULL},
	{"GET", "/v1/local-authorities/:id", api_resource_get, ROLES_READ, &la_def, BODY_NONE, NULL},
	{"GET", "/v1/local-authorities/:id/360giving", api_threesixty, ROLES_FINANCE, &la_def, BODY_NONE, year_query},
	{"POST", "/v1/local-authorities/:id/groups/import", api_group_import, ROLES_WRITE, &la_def, BODY_CSV, dry_run_query},
	{"POST", "/v1/local-authorities/:id/rollover", api_rollover, ROLES_WRITE, &la_def, BODY_NONE, rollover_query},
	{"GET", "/v1/calendar-feeds", api_resource_list, ROLES_GROUP_WRITE, &calendar_feed_def, BODY_NONE, NULL},
	{"POST", "/v1/calendar-feeds", api_calendar_feed_create, ROLES_GROUP_WRITE, &calendar_feed_def, BODY_JSON, NULL},
	{"GET", "/v1/calendar-feeds/:id", api_resource_get, ROLES_GROUP_WRITE, &calendar_feed_def, BODY_NONE, NULL},
	{"PATCH", "/v1/calendar-feeds/:id", api_resource_patch, ROLES_GROUP_WRITE, &calendar_feed_def, BODY_JSON, NULL},
	{"DELETE", "/v1/calendar-feeds/:id", api_resource_delete, ROLES_GROUP_WRITE, &calendar_feed_def, BODY_NONE, NULL},
	{"GET", "/v1/webhook-subscriptions", api_resource_list, ROLES_FINANCE, &webhook_subscription_def, BODY_NONE, NULL},
	{"POST", "/v1/webhook-subscriptions", api_webhook_subscription_create, ROLES_FINANCE, &webhook_subscription_def, BODY_JSON, NULL},
	{"POST", "/v1/webhook-subscriptions/:id/rotate", api_resource_action, ROLES_FINANCE, &webhook_subscription_def, BODY_NONE, NULL},
	{"GET", "/v1/webhook-subscriptions/:id", api_resource_get, ROLES_FINANCE, &webhook_subscription_def, BODY_NONE, NULL},
	{"PATCH", "/v1/webhook-subscriptions/:id", api_resource_patch, ROLES_FINANCE, &webhook_subscription_def, BODY_JSON, NULL},
	{"DELETE", "/v1/webhook-subscriptions/:id", api_resource_delete, ROLES_FINANCE, &webhook_subscription_def, BODY_NONE, NULL},
	{"GET", "/v1/webhook-deliveries", api_resource_list, ROLES_FINANCE, &webhook_delivery_def, BODY_NONE, NULL},
	{"POST", "/v1/webhook-deliveries/:id/retry", api_resource_action, ROLES_FINANCE, &webhook_delivery_def, BODY_NONE, NULL},
	{"GET", "/v1/webhook-deliveries/:id", api_resource_get, ROLES_FINANCE, &webhook_delivery_def, BODY_NONE, NULL},
	{"GET", "/v1/calendars/:secret", api_calendar, 0, NULL, BODY_NONE, NULL},
	{"PATCH", "/v1/local-authorities/:id", api_resource_patch, ROLES_WRITE, &la_def, BODY_JSON, NULL},
	{"DELETE", "/v1/local-authorities/:id", api_resource_delete, ROLES_WRITE, &la_def, BODY_NONE, NULL},

	RESOURCE_ROUTES("/v1/regions", &region_def, ROLES_READ, ROLES_ADMIN),

	RESOURCE_ROUTES("/v1/region-members", &region_member_def, ROLES_READ, ROLES_ADMIN),

	RESOURCE_ROUTES("/v1/strategic-plans", &strategic_plan_def, ROLES_READ, ROLES_WRITE),
	{"GET", "/v1/strategic-plans/:id/report", api_strategic_plan_report, ROLES_READ, &strategic_plan_def, BODY_NONE, as_of_query},
	{"POST", "/v1/strategic-plans/:id/import", api_strategic_plan_import, ROLES_WRITE, &strategic_plan_def, BODY_CSV, dry_run_query},
	RESOURCE_ROUTES("/v1/plan-strands", &plan_strand_def, ROLES_READ, ROLES_WRITE),
	RESOURCE_ROUTES("/v1/plan-objectives", &plan_objective_def, ROLES_READ, ROLES_WRITE),
	RESOURCE_ROUTES("/v1/plan-work-areas", &plan_work_area_def, ROLES_READ, ROLES_WRITE),
	RESOURCE_ROUTES("/v1/plan-criteria", &plan_criterion_def, ROLES_READ, ROLES_WRITE),
	{"GET", "/v1/plan-actions", api_resource_list, ROLES_READ, &plan_action_def, BODY_NONE, NULL},
	{"POST", "/v1/plan-actions", api_resource_create, ROLES_WRITE, &plan_action_def, BODY_JSON, NULL},
	{"GET", "/v1/plan-actions/:id", api_resource_get, ROLES_READ, &plan_action_def, BODY_NONE, as_of_query},
	{"PATCH", "/v1/plan-actions/:id", api_resource_patch, ROLES_WRITE, &plan_action_def, BODY_JSON, NULL},
	{"DELETE", "/v1/plan-actions/:id", api_resource_delete, ROLES_WRITE, &plan_action_def, BODY_NONE, NULL},
	RESOURCE_ROUTES_KEPT("/v1/plan-action-reviews", &plan_action_review_def, ROLES_READ, ROLES_WRITE),
	RESOURCE_ROUTES_KEPT("/v1/plan-criterion-reviews", &plan_criterion_review_def, ROLES_READ, ROLES_WRITE),
	RESOURCE_ROUTES("/v1/plan-benchmarks", &plan_benchmark_def, ROLES_READ, ROLES_WRITE),
	RESOURCE_ROUTES("/v1/regional-funds", &regional_fund_def, ROLES_READ, ROLES_WRITE),
	RESOURCE_ROUTES_KEPT("/v1/fund-contributions", &fund_contribution_def, ROLES_READ, ROLES_WRITE),
	RESOURCE_ROUTES_KEPT("/v1/fund-draws", &fund_draw_def, ROLES_READ, ROLES_WRITE),

	{"GET", "/v1/areas", api_resource_list, ROLES_READ, &area_def, BODY_NONE, NULL},
	{"POST", "/v1/areas", api_resource_create, ROLES_WRITE, &area_def, BODY_JSON, NULL},
	{"GET", "/v1/areas/:id/report", api_area_report, ROLES_READ, &area_def, BODY_NONE, year_query},
	{"GET", "/v1/areas/:id", api_resource_get, ROLES_READ, &area_def, BODY_NONE, NULL},
	{"PATCH", "/v1/areas/:id", api_resource_patch, ROLES_WRITE, &area_def, BODY_JSON, NULL},
	{"DELETE", "/v1/areas/:id", api_resource_delete, ROLES_WRITE, &area_def, BODY_NONE, NULL},

	{"GET", "/v1/schools.csv", api_resource_export, ROLES_READ, &school_def, BODY_NONE, NULL},
	{"POST", "/v1/schools/import", api_school_import, ROLES_WRITE, &school_def, BODY_CSV, import_query},
	{"POST", "/v1/schools/import-links", api_school_links_import, ROLES_WRITE, &school_def, BODY_CSV, links_query},
	{"GET", "/v1/schools", api_resource_list, ROLES_READ, &school_def, BODY_NONE, NULL},
	{"POST", "/v1/schools", api_resource_create, ROLES_WRITE, &school_def, BODY_JSON, NULL},
	{"GET", "/v1/schools/:urn", api_resource_get, ROLES_READ, &school_def, BODY_NONE, as_of_query},
	{"PATCH", "/v1/schools/:urn", api_resource_patch, ROLES_WRITE, &school_def, BODY_JSON, NULL},
	{"DELETE", "/v1/schools/:urn", api_resource_delete, ROLES_WRITE, &school_def, BODY_NONE, NULL},

	RESOURCE_ROUTES("/v1/vulnerabilities", &vulnerability_def, ROLES_READ, ROLES_WRITE),

	{"GET", "/v1/service-accounts", api_resource_list, ROLES_ADMIN, &account_def, BODY_NONE, NULL},
	{"POST", "/v1/service-accounts", api_account_create, ROLES_ADMIN, &account_def, BODY_JSON, NULL},
	{"POST", "/v1/service-accounts/:id/rotate", api_resource_action, ROLES_ADMIN, &account_def, BODY_NONE, NULL},
	{"POST", "/v1/service-accounts/:id/revoke", api_resource_action, ROLES_ADMIN, &account_def, BODY_NONE, NULL},
	{"GET", "/v1/service-accounts/:id", api_resource_get, ROLES_ADMIN, &account_def, BODY_NONE, NULL},
	{"PATCH", "/v1/service-accounts/:id", api_account_patch, ROLES_ADMIN, &account_def, BODY_JSON, NULL},

	{"GET", "/v1/audit-events", api_resource_list, ROLES_AUDIT, &audit_def, BODY_NONE, NULL},

	{"GET", "/v1/consortia.csv", api_resource_export, ROLES_READ, &consortium_def, BODY_NONE, NULL},
	{"GET", "/v1/consortia", api_resource_list, ROLES_READ, &consortium_def, BODY_NONE, NULL},
	{"POST", "/v1/consortia", api_resource_create, ROLES_WRITE, &consortium_def, BODY_JSON, NULL},
	{"GET", "/v1/consortia/:id", api_resource_get, ROLES_READ, &consortium_def, BODY_NONE, as_of_query},
	{"PATCH", "/v1/consortia/:id", api_resource_patch, ROLES_WRITE, &consortium_def, BODY_JSON, NULL},
	{"DELETE", "/v1/consortia/:id", api_resource_delete, ROLES_WRITE, &consortium_def, BODY_NONE, NULL},

	{"GET", "/v1/area-networks.csv", api_resource_export, ROLES_READ, &network_def, BODY_NONE, NULL},
	{"GET", "/v1/area-networks", api_resource_list, ROLES_READ, &network_def, BODY_NONE, NULL},
	{"POST", "/v1/area-networks", api_resource_create, ROLES_WRITE, &network_def, BODY_JSON, NULL},
	{"GET", "/v1/area-networks/:id", api_resource_get, ROLES_READ, &network_def, BODY_NONE, as_of_query},
	{"PATCH", "/v1/area-networks/:id", api_resource_patch, ROLES_WRITE, &network_def, BODY_JSON, NULL},
	{"DELETE", "/v1/area-networks/:id", api_resource_delete, ROLES_WRITE, &network_def, BODY_NONE, NULL},

	{"GET", "/v1/memberships.csv", api_resource_export, ROLES_READ, &membership_def, BODY_NONE, NULL},
	{"GET", "/v1/memberships", api_resource_list, ROLES_READ, &membership_def, BODY_NONE, NULL},
	{"POST", "/v1/memberships", api_resource_create, ROLES_WRITE, &membership_def, BODY_JSON, NULL},
	{"POST", "/v1/memberships/:id/move", api_membership_move, ROLES_WRITE, &membership_def, BODY_JSON, NULL},
	{"GET", "/v1/memberships/:id", api_resource_get, ROLES_READ, &membership_def, BODY_NONE, NULL},
	{"PATCH", "/v1/memberships/:id", api_resource_patch, ROLES_WRITE, &membership_def, BODY_JSON, NULL},
	{"DELETE", "/v1/memberships/:id", api_resource_delete, ROLES_WRITE, &membership_def, BODY_NONE, NULL},

	{"POST", "/v1/chairs/eligibility", api_chair_eligibility, ROLES_READ, &chair_def, BODY_JSON, NULL},
	{"GET", "/v1/chairs.csv", api_resource_export, ROLES_READ, &chair_def, BODY_NONE, NULL},
	RESOURCE_ROUTES("/v1/chairs", &chair_def, ROLES_READ, ROLES_WRITE),

	RESOURCE_ROUTES("/v1/chair-confirmations", &confirmation_def, ROLES_READ, ROLES_WRITE),

	RESOURCE_ROUTES("/v1/nominations", &nomination_def, ROLES_READ, ROLES_WRITE),

	{"GET", "/v1/funds", api_resource_list, ROLES_READ, &fund_def, BODY_NONE, NULL},
	{"POST", "/v1/funds", api_resource_create, ROLES_WRITE, &fund_def, BODY_JSON, NULL},
	{"POST", "/v1/funds/:id/calculate", api_fund_calculate, ROLES_WRITE, &fund_def, BODY_NONE, NULL},
	{"POST", "/v1/funds/:id/allocate", api_fund_allocate, ROLES_WRITE, &fund_def, BODY_NONE, NULL},
	{"GET", "/v1/funds/:id/summary", api_fund_summary, ROLES_READ, &fund_def, BODY_NONE, NULL},
	{"GET", "/v1/funds/:id", api_resource_get, ROLES_READ, &fund_def, BODY_NONE, NULL},
	{"PATCH", "/v1/funds/:id", api_resource_patch, ROLES_WRITE, &fund_def, BODY_JSON, NULL},
	{"DELETE", "/v1/funds/:id", api_resource_delete, ROLES_WRITE, &fund_def, BODY_NONE, NULL},

	{"GET", "/v1/fund-allocations.csv", api_resource_export, ROLES_READ, &allocation_def, BODY_NONE, NULL},
	{"GET", "/v1/fund-allocations", api_resource_list, ROLES_READ, &allocation_def, BODY_NONE, NULL},
	{"POST", "/v1/fund-allocations", api_resource_create, ROLES_WRITE, &allocation_def, BODY_JSON, NULL},
	{"POST", "/v1/fund-allocations/:id/approve", api_resource_action, ROLES_WRITE, &allocation_def, BODY_NONE, NULL},
	{"POST", "/v1/fund-allocations/:id/cancel", api_resource_action, ROLES_WRITE, &allocation_def, BODY_JSON, NULL},
	{"GET", "/v1/fund-allocations/:id", api_resource_get, ROLES_READ, &allocation_def, BODY_NONE, NULL},
	{"PATCH", "/v1/fund-allocations/:id", api_resource_patch, ROLES_WRITE, &allocation_def, BODY_JSON, NULL},

	{"GET", "/v1/payments/totals", api_payment_totals, ROLES_FINANCE, &payment_def, BODY_NONE, totals_query},
	{"GET", "/v1/payments.csv", api_resource_export, ROLES_FINANCE, &payment_def, BODY_NONE, NULL},
	{"GET", "/v1/payments", api_payments, ROLES_FINANCE, &payment_def, BODY_NONE, NULL},
	{"POST", "/v1/payments/:id/acknowledge", api_resource_action, ROLES_PAY, &payment_def, BODY_JSON, NULL},
	{"POST", "/v1/payments/:id/paid", api_resource_action, ROLES_PAY, &payment_def, BODY_JSON, NULL},
	{"POST", "/v1/payments/:id/reject", api_resource_action, ROLES_PAY, &payment_def, BODY_JSON, NULL},
	{"POST", "/v1/payments/:id/reissue", api_resource_action, ROLES_WRITE, &payment_def, BODY_JSON, NULL},
	{"POST", "/v1/payments/:id/reverse", api_resource_action, ROLES_WRITE, &payment_def, BODY_JSON, NULL},
	{"GET", "/v1/payments/:id", api_resource_get, ROLES_FINANCE, &payment_def, BODY_NONE, NULL},

	{"GET", "/v1/action-plans.csv", api_resource_export, ROLES_READ, &plan_def, BODY_NONE, NULL},
	{"GET", "/v1/action-plans", api_resource_list, ROLES_READ, &plan_def, BODY_NONE, NULL},
	{"POST", "/v1/action-plans", api_resource_create, ROLES_GROUP_WRITE, &plan_def, BODY_JSON, NULL},
	{"POST", "/v1/action-plans/:id/submit", api_resource_action, ROLES_GROUP_WRITE, &plan_def, BODY_NONE, NULL},
	{"POST", "/v1/action-plans/:id/accept", api_resource_action, ROLES_WRITE, &plan_def, BODY_NONE, NULL},
	{"POST", "/v1/action-plans/:id/return", api_resource_action, ROLES_WRITE, &plan_def, BODY_JSON, NULL},
	{"GET", "/v1/action-plans/:id", api_resource_get, ROLES_READ, &plan_def, BODY_NONE, NULL},
	{"PATCH", "/v1/action-plans/:id", api_resource_patch, ROLES_GROUP_WRITE, &plan_def, BODY_JSON, NULL},
	{"DELETE", "/v1/action-plans/:id", api_resource_delete, ROLES_GROUP_WRITE, &plan_def, BODY_NONE, NULL},

	{"GET", "/v1/evaluations.csv", api_resource_export, ROLES_READ, &evaluation_def, BODY_NONE, NULL},
	{"GET", "/v1/evaluations", api_resource_list, ROLES_READ, &evaluation_def, BODY_NONE, NULL},
	{"POST", "/v1/evaluations", api_resource_create, ROLES_GROUP_WRITE, &evaluation_def, BODY_JSON, NULL},
	{"POST", "/v1/evaluations/:id/submit", api_resource_action, ROLES_GROUP_WRITE, &evaluation_def, BODY_NONE, NULL},
	{"POST", "/v1/evaluations/:id/report", api_resource_action, ROLES_WRITE, &evaluation_def, BODY_JSON, NULL},
	{"GET", "/v1/evaluations/:id", api_resource_get, ROLES_READ, &evaluation_def, BODY_NONE, NULL},
	{"PATCH", "/v1/evaluations/:id", api_resource_patch, ROLES_GROUP_WRITE, &evaluation_def, BODY_JSON, NULL},
	{"GET", "/v1/meetings.csv", api_resource_export, ROLES_READ, &meeting_def, BODY_NONE, NULL},
	{"GET", "/v1/meetings", api_resource_list, ROLES_READ, &meeting_def, BODY_NONE, NULL},
	{"POST", "/v1/meetings", api_resource_create, ROLES_GROUP_WRITE, &meeting_def, BODY_JSON, NULL},
	{"POST", "/v1/meetings/:id/receive-pack", api_aag_pack_receive, ROLES_WRITE, &meeting_def, BODY_NONE, NULL},
	{"GET", "/v1/meetings/:id", api_resource_get, ROLES_READ, &meeting_def, BODY_NONE, NULL},
	{"PATCH", "/v1/meetings/:id", api_resource_patch, ROLES_GROUP_WRITE, &meeting_def, BODY_JSON, NULL},
	{"DELETE", "/v1/meetings/:id", api_resource_delete, ROLES_GROUP_WRITE, &meeting_def, BODY_NONE, NULL},

	{"GET", "/v1/people.csv", api_resource_export, ROLES_WRITE, &person_def, BODY_NONE, NULL},
	{"GET", "/v1/people", api_resource_list, ROLES_WRITE, &person_def, BODY_NONE, NULL},
	{"POST", "/v1/people", api_resource_create, ROLES_WRITE, &person_def, BODY_JSON, NULL},
	{"GET", "/v1/people/:id/export", api_person_export, ROLES_WRITE, &person_def, BODY_NONE, NULL},
	{"POST", "/v1/people/:id/erase", api_resource_action, ROLES_ADMIN, &person_def, BODY_NONE, NULL},
	{"GET", "/v1/people/:id", api_resource_get, ROLES_WRITE, &person_def, BODY_NONE, NULL},
	{"PATCH", "/v1/people/:id", api_resource_patch, ROLES_WRITE, &person_def, BODY_JSON, NULL},
	{"DELETE", "/v1/people/:id", api_resource_delete, ROLES_WRITE, &person_def, BODY_NONE, NULL},

	RESOURCE_ROUTES("/v1/person-roles", &person_role_def, ROLES_WRITE, ROLES_WRITE),

	{"GET", "/v1/bodies.csv", api_resource_export, ROLES_READ, &body_def, BODY_NONE, NULL},
	{"GET", "/v1/bodies", api_resource_list, ROLES_READ, &body_def, BODY_NONE, NULL},
	{"POST", "/v1/bodies", api_resource_create, ROLES_WRITE, &body_def, BODY_JSON, NULL},
	{"GET", "/v1/bodies/:id/report", api_body_report, ROLES_READ, &body_def, BODY_NONE, year_as_of_query},
	{"GET", "/v1/bodies/:id/pack", api_aag_pack, ROLES_PACK, &body_def, BODY_NONE, pack_query},
	{"GET", "/v1/bodies/:id", api_resource_get, ROLES_READ, &body_def, BODY_NONE, NULL},
	{"PATCH", "/v1/bodies/:id", api_resource_patch, ROLES_WRITE, &body_def, BODY_JSON, NULL},
	{"DELETE", "/v1/bodies/:id", api_resource_delete, ROLES_WRITE, &body_def, BODY_NONE, NULL},

	RESOURCE_ROUTES("/v1/body-members", &body_member_def, ROLES_READ, ROLES_WRITE),

	RESOURCE_ROUTES_KEPT("/v1/support-records", &support_def, ROLES_READ, ROLES_GROUP_WRITE),

	RESOURCE_ROUTES("/v1/head-support", &head_support_def, ROLES_CASEWORK, ROLES_GROUP_WRITE),

	RESOURCE_ROUTES_KEPT("/v1/support-reviews", &support_review_def, ROLES_CASEWORK, ROLES_GROUP_WRITE),

	RESOURCE_ROUTES("/v1/panel-outcomes", &panel_outcome_def, ROLES_CASEWORK, ROLES_GROUP_WRITE),

	RESOURCE_ROUTES("/v1/development-issues", &development_issue_def, ROLES_CASEWORK, ROLES_GROUP_WRITE),

	RESOURCE_ROUTES("/v1/assistance-requests", &assistance_request_def, ROLES_CASEWORK, ROLES_GROUP_WRITE),

	RESOURCE_ROUTES("/v1/school-to-school-support", &school_support_def, ROLES_CASEWORK, ROLES_GROUP_WRITE),

	RESOURCE_ROUTES("/v1/system-leaders", &system_leader_def, ROLES_CASEWORK, ROLES_WRITE),

	RESOURCE_ROUTES("/v1/inspections", &inspection_def, ROLES_CASEWORK, ROLES_GROUP_WRITE),

	RESOURCE_ROUTES("/v1/references", &reference_def, ROLES_CASEWORK, ROLES_GROUP_WRITE),

	{"GET", "/v1/reports/new-heads", api_report_new_heads, ROLES_CASEWORK, NULL, BODY_NONE, new_heads_query},
	{"GET", "/v1/reports/authority", api_authority_report, ROLES_READ, NULL, BODY_NONE, authority_query},
	{"GET", "/v1/reports/bodies-below-target", api_report_bodies_below_target, ROLES_READ, NULL, BODY_NONE, below_target_query},
	{"GET", "/v1/reports/rejected-payments", api_report_rejected_payments, ROLES_FINANCE, NULL, BODY_NONE, NULL},
	{"GET", "/v1/reports/overdue-evaluations", api_report_overdue_evaluations, ROLES_READ, NULL, BODY_NONE, as_of_query},

	{"GET", "/v1/reports/chair-reviews", api_report_chair_reviews, ROLES_READ, NULL, BODY_NONE, reviews_query},
	{"GET", "/v1/reports/unconfirmed-chairs", api_report_unconfirmed_chairs, ROLES_READ, NULL, BODY_NONE, unconfirmed_query},
	{"GET", "/v1/reports/groups-without-confirmed-chair", api_report_groups_without_chair, ROLES_READ, NULL, BODY_NONE, year_as_of_query},
};

const size_t routes_count = sizeof routes / sizeof routes[0];
