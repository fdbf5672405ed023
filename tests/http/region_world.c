/*
 * region_world.c
 *    A region, its members, an LA outside it and another region, made
 *    through the API for a test (see region_world.h).
 */
#include <stdio.h>

#include "client.h"
#include "region_world.h"

struct region_world
region_world(void)
{
	struct region_world w;
	char body[256];

	w.lead = unused_la_code();
	make_la(w.lead, "Region Lead");
	w.member = unused_la_code();
	make_la(w.member, "Region Member");
	w.stranger = unused_la_code();
	make_la(w.stranger, "Region Stranger");
	snprintf(body, sizeof body, "{\"name\": \"Region %d\", \"lead_la_code\": %d, \"established_on\": \"2007-09-01\"}",
	         w.lead, w.lead);
	w.region = post_created(token("admin"), "/v1/regions", body);
	snprintf(body, sizeof body, "{\"region_id\": %lld, \"la_code\": %d, \"start_date\": \"2007-09-01\"}", w.region,
	         w.member);
	post_created(token("admin"), "/v1/region-members", body);
	snprintf(body, sizeof body, "{\"name\": \"Other Region %d\", \"lead_la_code\": %d}", w.stranger, w.stranger);
	w.other_region = post_created(token("admin"), "/v1/regions", body);
	w.region_tok = token_region("officer", "region-officer", w.region);
	w.other_tok = token_region("officer", "other-region-officer", w.other_region);
	w.member_tok = token_scoped("officer", w.member, 0);
	w.stranger_tok = token_scoped("officer", w.stranger, 0);
	return w;
}
