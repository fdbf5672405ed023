/*
 * handlers.h
 *    The handlers the routes table (routes.c) names.
 */
#ifndef CONSORTIA_HANDLERS_H
#define CONSORTIA_HANDLERS_H

#include "request.h"

/* The handlers of the routes table, by file: resources.c, schools.c, export.c, money.c, auth.c, groups.c, reports.c, ops.c. */
enum err api_resource_list(struct req *r);
enum err api_resource_get(struct req *r);
enum err api_resource_create(struct req *r);
enum err api_resource_patch(struct req *r);
enum err api_resource_delete(struct req *r);
enum err api_resource_action(struct req *r);
enum err api_school_import(struct req *r);
enum err api_school_links_import(struct req *r);
enum err api_resource_export(struct req *r);
enum err api_fund_calculate(struct req *r);
enum err api_fund_allocate(struct req *r);
enum err api_fund_summary(struct req *r);
enum err api_payments(struct req *r);
enum err api_account_create(struct req *r);
enum err api_account_patch(struct req *r);
enum err api_token(struct req *r);
enum err api_report_overdue_evaluations(struct req *r);
/* Query date `name` into out (YYYY-MM-DD); absent and not required: today in London. */
enum err date_param(struct req *r, const char *name, bool required, char out[11]);

enum err api_area_report(struct req *r);
enum err api_threesixty(struct req *r);
enum err api_calendar_feed_create(struct req *r);
enum err api_calendar(struct req *r);
enum err api_strategic_plan_report(struct req *r);
enum err api_strategic_plan_import(struct req *r);
enum err api_group_import(struct req *r);
enum err api_rollover(struct req *r);
enum err api_webhook_subscription_create(struct req *r);
enum err api_body_report(struct req *r);
enum err api_aag_pack(struct req *r);
enum err api_aag_pack_receive(struct req *r);
enum err api_report_new_heads(struct req *r);
enum err api_report_bodies_below_target(struct req *r);
enum err api_person_export(struct req *r);
enum err api_authority_report(struct req *r);
enum err api_membership_move(struct req *r);
enum err api_chair_eligibility(struct req *r);
enum err api_report_chair_reviews(struct req *r);
enum err api_report_unconfirmed_chairs(struct req *r);
enum err api_report_rejected_payments(struct req *r);
enum err api_payment_totals(struct req *r);
enum err api_report_groups_without_chair(struct req *r);
enum err api_healthz(struct req *r);
enum err api_metrics(struct req *r);
enum err api_docs(struct req *r);
enum err api_docs_script(struct req *r);
enum err api_readyz(struct req *r);
enum err api_openapi(struct req *r);

#endif
