/*
 * The webhook signature against the Standard Webhooks specification's own
 * test vector, and what a secret must be.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "../../lib/webhook.h"

static const char body[] = "{\"test\": 2432232314}";

Test(webhook, the_specifications_test_vector_signs_as_published)
{
	char sig[64];

	cr_assert(webhook_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
	                       body, strlen(body), sig));
	cr_assert_str_eq(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	/* the prefix may be left out */
	cr_assert(webhook_sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body,
	                       strlen(body), sig));
	cr_assert_str_eq(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	/* another id, time or body is another signature */
	cr_assert(webhook_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331,
	                       body, strlen(body), sig));
	cr_assert_str_neq(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

Test(webhook, a_new_secret_is_32_random_bytes_that_sign)
{
	char a[WEBHOOK_SECRET_LEN + 1], b[WEBHOOK_SECRET_LEN + 1], sig[64];

	cr_assert(webhook_secret_new(a));
	cr_assert(webhook_secret_new(b));
	cr_assert_eq(strlen(a), WEBHOOK_SECRET_LEN);
	cr_assert(strncmp(a, "whsec_", 6) == 0);
	cr_assert_str_neq(a, b);
	cr_assert(webhook_sign(a, "msg_1", 1, body, strlen(body), sig));
	cr_assert_eq(strlen(sig), 47);
}

Test(webhook, what_is_not_a_secret_signs_nothing)
{
	char sig[64];

	cr_assert_not(webhook_sign("whsec_", "msg_1", 1, body, strlen(body), sig));
	cr_assert_not(webhook_sign("whsec_abc", "msg_1", 1, body, strlen(body), sig), "not base64 of whole groups");
	cr_assert_not(webhook_sign("whsec_====", "msg_1", 1, body, strlen(body), sig));
}

Test(webhook, only_https_unless_http_is_allowed)
{
	webhook_allow_http(false);
	cr_assert(webhook_url_allowed("https://ledger.example/hooks"));
	cr_assert_not(webhook_url_allowed("http://ledger.example/hooks"));
	webhook_allow_http(true);
	cr_assert(webhook_url_allowed("http://127.0.0.1:9000/hooks"));
	cr_assert_not(webhook_url_allowed("ftp://ledger.example/hooks"));
	webhook_allow_http(false);
}
