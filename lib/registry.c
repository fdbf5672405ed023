/*
 * registry.c
 *    This module lists every resource the service serves (see resource.h),
 *    for what looks at all of them at once: the tests that hold each
 *    constraint of the schema against the faults the resources report.
 */
#include "account.h"
#include "audit.h"
#include "casework.h"
#include "fund.h"
#include "group.h"
#include "people.h"
#include "plan.h"
#include "calendar.h"
#include "webhook.h"
#include "region.h"
#include "regional_fund.h"
#include "strategic_plan.h"
#include "register.h"

const struct resource_def *const resource_defs[] = {
	&la_def,         &area_def,       &school_def,  &account_def,    &audit_def,
	&consortium_def, &network_def,    &membership_def, &chair_def,   &confirmation_def, &nomination_def,
	&fund_def,       &allocation_def, &payment_def, &plan_def,       &evaluation_def,
	&meeting_def,    &support_def,    &vulnerability_def, &person_def, &person_role_def,
	&body_def,       &body_member_def, &head_support_def, &support_review_def, &panel_outcome_def,
	&development_issue_def, &assistance_request_def, &school_support_def, &system_leader_def,
	&inspection_def, &reference_def, &region_def, &region_member_def,
	&strategic_plan_def, &plan_strand_def, &plan_objective_def, &plan_work_area_def, &plan_criterion_def,
	&plan_action_def, &plan_action_review_def, &plan_criterion_review_def, &plan_benchmark_def,
	&regional_fund_def, &fund_contribution_def, &fund_draw_def, &calendar_feed_def, &webhook_subscription_def,
	&webhook_delivery_def, NULL,
};
