#!/usr/bin/env bash
# Runs the HTTP test suite against real servers: one on the scratch
# database (TEST_DATABASE_URL), one whose database cannot be reached (for
# the 503 paths). After the tests, sends bad input generated from
# openapi.yaml to every operation (tests/contract/sweep.mjs: each must be
# refused with a problem, and the database must not change). Then checks
# every response the tests and the sweep logged against openapi.yaml. A
# server that does not exit cleanly on SIGTERM (or, under
# AddressSanitizer, that leaks) fails the suite.
#
# usage: run.sh CONSORTIA_BIN HTTP_TEST_BIN OPENAPI_YAML CONTRACT_DIR
set -uo pipefail
bin=$1 tests=$2 contract=$3 contract_dir=$4
: "${TEST_DATABASE_URL:?set TEST_DATABASE_URL to a disposable database (make test does)}"
if [ "${REPLICAS:-1}" = 2 ]; then
  # a database of its own: the suite expects to start from an empty one
  if [ -z "${TEST_REPLICAS_DATABASE_URL:-}" ]; then
    echo "run.sh: REPLICAS=2 needs TEST_REPLICAS_DATABASE_URL, a second disposable database; skipped"
    exit 77
  fi
  TEST_DATABASE_URL=$TEST_REPLICAS_DATABASE_URL
fi

work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
dead_port=$(free_port)

export JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
export BIND_ADDRESS=127.0.0.1 WORKERS=2 CORS_ORIGINS=https://app.example MAX_BODY_BYTES=65536
# One test client makes thousands of requests a minute; the limit has its own test (tests/fault).
export RATE_LIMIT_PER_MINUTE=0
# Webhooks to the tests' receiver on loopback, retried at once, the day's events every second.
export WEBHOOK_ALLOW_HTTP=1 WEBHOOK_RETRY_SECONDS=1,1,1 WEBHOOK_POLL_MS=100 WEBHOOK_SCAN_SECONDS=1 WEBHOOK_TIMEOUT_SECONDS=2
export AUTH_FAILURES_PER_CLIENT=5 AUTH_FAILURES_PER_ADDRESS=20 AUTH_FAILURES_PER_CLIENT_TOTAL=12
# Two external issuers (an LA's identity provider), with the test key pairs.
export TEST_KEYS=$(cd "$(dirname "$0")/../data/keys" && pwd)
cat > "$work/issuers.json" <<JSON
[{"issuer": "https://idp.warwickshire.example", "audience": "consortia-api", "alg": "RS256",
  "public_key_file": "$TEST_KEYS/rs256-public.pem"},
 {"issuer": "https://idp.other.example", "audience": "consortia-api", "alg": "ES256",
  "public_key_file": "$TEST_KEYS/es256-public.pem"}]
JSON
export JWT_ISSUERS_FILE=$work/issuers.json

# Behind the balancer (REPLICAS=2, below) the servers believe its
# X-Forwarded-For, and no one else's.
[ "${REPLICAS:-1}" = 2 ] && export TRUSTED_PROXIES=127.0.0.1
DATABASE_URL=$TEST_DATABASE_URL PORT=$port "$bin" serve 2>"$work/server.log" &
live=$!
DATABASE_URL="postgresql:///none?host=$work&port=1" MIGRATE_ON_START=0 PORT=$dead_port \
  "$bin" serve 2>"$work/dead.log" &
dead=$!
ports=("$port" "$dead_port")
url=http://127.0.0.1:$port

# REPLICAS=2: a second server on the same database, and nginx on loopback
# sending each request to either, as a load balancer would. Every test then
# runs against the pair.
second= lb=
if [ "${REPLICAS:-1}" = 2 ]; then
  port2=$(free_port) lb_port=$(free_port)
  DATABASE_URL=$TEST_DATABASE_URL PORT=$port2 "$bin" serve 2>"$work/server2.log" &
  second=$!
  mkdir -p "$work/nginx"
  cat > "$work/nginx/nginx.conf" <<NGINX
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events {}
http {
  access_log off;
  # idle upstream connections closed before the servers' HTTP_IDLE_TIMEOUT (30 s) would
  upstream replicas { server 127.0.0.1:$port; server 127.0.0.1:$port2; keepalive 8; keepalive_timeout 20s; }
  server {
    listen 127.0.0.1:$lb_port;
    client_max_body_size 0;             # the service sets its own limits
    large_client_header_buffers 8 64k;
    underscores_in_headers on;
    merge_slashes off;
    # A request nginx itself cannot read (a path with %00, say) is refused
    # as the service refuses one: a problem, not nginx's HTML page.
    error_page 400 /.problem/400;
    location = /.problem/400 {
      internal;
      default_type application/problem+json;
      add_header X-Request-Id \$request_id always;
      add_header Cache-Control no-store always;
      add_header X-Content-Type-Options nosniff always;
      return 400 '{"type":"urn:consortia:problem:malformed","title":"Malformed request","status":400,"detail":"the request could not be read","instance":"/","request_id":"\$request_id"}';
    }
    location / {
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_request_buffering off;
      proxy_buffering off;
    }
  }
}
NGINX
  nginx -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" -p "$work/nginx" -g 'daemon off;' 2>>"$work/nginx/error.log" &
  lb=$!
  ports+=("$port2" "$lb_port")
  url=http://127.0.0.1:$lb_port
fi

up() { curl -fs -o /dev/null "http://127.0.0.1:$1/healthz" 2>/dev/null; }
all_up() { for p in "${ports[@]}"; do up "$p" || return 1; done; }
for _ in $(seq 1 300); do
  all_up && break
  sleep 0.1
done
if ! all_up; then
  echo "run.sh: the servers did not start"; cat "$work"/*.log "$work"/nginx/error.log 2>/dev/null
  kill $live $dead $second $lb 2>/dev/null; exit 1
fi

export CONSORTIA_URL=$url CONSORTIA_DEAD_URL=http://127.0.0.1:$dead_port
export CONSORTIA_DIRECT_URL=http://127.0.0.1:$port   # one server, not the balancer
export DATABASE_URL=$TEST_DATABASE_URL CONTRACT_LOG=$work/contract.jsonl
export CONSORTIA_DATA=$(cd "$(dirname "$0")/../data" && pwd)
export REPORT_FIXTURE=$work/report-fixture BODY_REPORT_FIXTURE=$work/body-report-fixture PACK_FIXTURE=$work/pack-fixture PLAN_FIXTURE=$work/plan-fixture \
  THREESIXTY_FIXTURE=$work/360giving.json CALENDAR_FIXTURE=$work/calendar.ics WEBHOOK_FIXTURE=$work/webhooks.jsonl
"$tests" --jobs 1 --full-stats ${CRITERION_FILTER:+--filter "$CRITERION_FILTER"}
rc=$?

# Bad input on every operation, generated from the contract: each refused
# with a problem and nothing changed. Its exchanges go to a log of their
# own, checked against the contract below (in the tests' log they would
# count every operation as exercised, and an operation the tests forgot
# would no longer fail the suite); what each server answered of it is left
# out of the replicas' count below.
requests() { grep -c '"event":"request"' "$1" 2>/dev/null || true; }
declare -A swept=()
if [ -z "${CRITERION_FILTER:-}" ]; then
  echo "== bad input on every operation (the sweep)"
  for log in "$work"/server*.log; do swept[$log]=$(requests "$log"); done
  admin_token=$("$bin" token --role admin --sub sweep --ttl 900)
  CONTRACT_LOG=$work/sweep.jsonl node "$contract_dir/sweep.mjs" "$contract" "$CONSORTIA_URL" "$admin_token" || rc=1
  for log in "$work"/server*.log; do swept[$log]=$(( $(requests "$log") - ${swept[$log]:-0} )); done
fi

# The area report as a person sees it: in Chromium, against its JSON.
if [ -s "$REPORT_FIXTURE" ]; then
  echo "== the area report in a browser"
  viewer=$("$bin" token --role viewer --sub browser-test --ttl 300)
  node "$contract_dir/report-browser.mjs" "$CONSORTIA_URL" "$viewer" "$REPORT_FIXTURE" \
    "$PWD/browser-report.png" || rc=1
elif [ -z "${CRITERION_FILTER:-}" ]; then
  echo "run.sh: the reports test left no fixture for the browser test"; rc=1
fi
# A body's report the same way.
if [ -s "$BODY_REPORT_FIXTURE" ]; then
  echo "== a body's report in a browser"
  viewer=$("$bin" token --role viewer --sub browser-test --ttl 300)
  node "$contract_dir/body-report-browser.mjs" "$CONSORTIA_URL" "$viewer" "$BODY_REPORT_FIXTURE" \
    "$PWD/browser-body-report.png" || rc=1
elif [ -z "${CRITERION_FILTER:-}" ]; then
  echo "run.sh: the bodies test left no fixture for the browser test"; rc=1
fi
# An AAG's pack as a member of it sees it, the same way.
if [ -s "$PACK_FIXTURE" ]; then
  echo "== an AAG's pack in a browser"
  read -r pack_body pack_meeting pack_person < "$PACK_FIXTURE"
  member=$("$bin" token --role member --sub browser-test --body "$pack_body" --person "$pack_person" --ttl 300)
  node "$contract_dir/pack-browser.mjs" "$CONSORTIA_URL" "$member" "$PACK_FIXTURE" "$PWD/browser-pack.png" || rc=1
elif [ -z "${CRITERION_FILTER:-}" ]; then
  echo "run.sh: the casework test left no fixture for the browser test"; rc=1
fi
# A region's strategic plan as its printable page, in Welsh, as the region's officer sees it.
if [ -s "$PLAN_FIXTURE" ]; then
  echo "== a strategic plan in a browser, in Welsh"
  read -r plan_id plan_region plan_as_of < "$PLAN_FIXTURE"
  region_officer=$("$bin" token --role officer --sub browser-test --region "$plan_region" --ttl 300)
  node "$contract_dir/plan-browser.mjs" "$CONSORTIA_URL" "$region_officer" "$PLAN_FIXTURE" "$PWD/browser-plan.png" || rc=1
elif [ -z "${CRITERION_FILTER:-}" ]; then
  echo "run.sh: the strategic plans test left no fixture for the browser test"; rc=1
fi
# An LA's grants as 360Giving data, against the package schema kept in tests/contract.
if [ -s "$THREESIXTY_FIXTURE" ]; then
  echo "== 360Giving data against its schema"
  node "$contract_dir/threesixty-check.mjs" "$THREESIXTY_FIXTURE" || rc=1
elif [ -z "${CRITERION_FILTER:-}" ]; then
  echo "run.sh: the finance test left no 360Giving package to check"; rc=1
fi
# The webhooks the receiver took, against the contract's webhooks.
if [ -s "$WEBHOOK_FIXTURE" ]; then
  echo "== webhooks against the contract"
  node "$contract_dir/webhook-check.mjs" "$contract" "$WEBHOOK_FIXTURE" || rc=1
elif [ -z "${CRITERION_FILTER:-}" ]; then
  echo "run.sh: the webhook tests left no deliveries to check"; rc=1
fi
# A calendar feed read back by a real iCalendar parser.
if [ -s "$CALENDAR_FIXTURE" ]; then
  echo "== a calendar feed through an iCalendar parser"
  # Debian's python3, which python3-icalendar is installed for (another on PATH may lack it)
  /usr/bin/python3 "$contract_dir/ical-check.py" "$CALENDAR_FIXTURE" || rc=1
elif [ -z "${CRITERION_FILTER:-}" ]; then
  echo "run.sh: the calendars test left no feed to read"; rc=1
fi
# Every operation with a token of every role: let in or refused as x-roles says.
if [ -z "${CRITERION_FILTER:-}" ]; then
  echo "== every operation for every role"
  role_token() { "$bin" token --sub "roles-$1" --ttl 900 --role "$@"; }
  tokens=$(printf '{"admin":"%s","officer":"%s","finance":"%s","chair":"%s","viewer":"%s","member":"%s"}' \
    "$(role_token admin)" "$(role_token officer)" "$(role_token finance)" \
    "$(role_token chair --group 999999999)" "$(role_token viewer)" \
    "$(role_token member --body 999999999 --person 999999999)")
  node "$contract_dir/roles.mjs" "$contract" "$CONSORTIA_URL" "$tokens" || rc=1
fi
# The contract as a reader sees it at /docs.
if [ -z "${CRITERION_FILTER:-}" ]; then
  echo "== /docs in a browser"
  node "$contract_dir/docs-browser.mjs" "$CONSORTIA_URL" "$contract" "$PWD/browser-docs.png" || rc=1
fi

if [ -n "$lb" ]; then
  kill -QUIT "$lb"; wait "$lb"
  # both replicas must have answered part of the suite
  for log in "$work/server.log" "$work/server2.log"; do
    n=$(( $(requests "$log") - ${swept[$log]:-0} ))
    echo "run.sh: $(basename "$log") answered $n requests (and ${swept[$log]:-0} of the sweep)"
    [ "$n" -gt 100 ] || { echo "run.sh: a replica answered too little of the suite"; rc=1; }
  done
  kill -TERM "$second"; wait "$second" || { echo "run.sh: the second replica did not exit 0"; rc=1; }
fi
kill -TERM "$live" "$dead"
wait "$live"; live_rc=$?
wait "$dead"; dead_rc=$?
if [ $live_rc -ne 0 ] || [ $dead_rc -ne 0 ]; then
  echo "run.sh: server exit status $live_rc / $dead_rc (expected 0 after SIGTERM)"
  grep -v '"event":"request"' "$work/server.log" | tail -n 60
  rc=1
fi
if [ $rc -ne 0 ]; then
  echo "--- server log (last lines)"; tail -n 40 "$work/server.log"
fi

echo "== responses against $contract"
node "$contract_dir/check.mjs" "$contract" "$work/contract.jsonl" || rc=1
if [ -z "${CRITERION_FILTER:-}" ]; then
  echo "== the sweep's responses against $contract"
  node "$contract_dir/check.mjs" "$contract" "$work/sweep.jsonl" || rc=1
fi
rm -rf "$work"
exit $rc
