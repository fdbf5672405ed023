#!/usr/bin/env bash
# Runs the HTTP test suite against real servers: one on the scratch
# database (TEST_DATABASE_URL), one whose database cannot be reached (for
# the 503 paths). Then checks every response the tests logged against
# openapi.yaml. A server that does not exit cleanly on SIGTERM (or, under
# AddressSanitizer, that leaks) fails the suite.
#
# usage: run.sh CONSORTIA_BIN HTTP_TEST_BIN OPENAPI_YAML CONTRACT_DIR
set -uo pipefail
bin=$1 tests=$2 contract=$3 contract_dir=$4
: "${TEST_DATABASE_URL:?set TEST_DATABASE_URL to a disposable database (make test does)}"

work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
dead_port=$(free_port)

export JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
export BIND_ADDRESS=127.0.0.1 WORKERS=2 CORS_ORIGINS=https://app.example MAX_BODY_BYTES=65536
export AUTH_FAILURES_PER_CLIENT=5 AUTH_FAILURES_PER_ADDRESS=20
# Two external issuers (an LA's identity provider), with the test key pairs.
export TEST_KEYS=$(cd "$(dirname "$0")/../data/keys" && pwd)
cat > "$work/issuers.json" <<JSON
[{"issuer": "https://idp.warwickshire.example", "audience": "consortia-api", "alg": "RS256",
  "public_key_file": "$TEST_KEYS/rs256-public.pem"},
 {"issuer": "https://idp.other.example", "audience": "consortia-api", "alg": "ES256",
  "public_key_file": "$TEST_KEYS/es256-public.pem"}]
JSON
export JWT_ISSUERS_FILE=$work/issuers.json

DATABASE_URL=$TEST_DATABASE_URL PORT=$port "$bin" serve 2>"$work/server.log" &
live=$!
DATABASE_URL="postgresql:///none?host=$work&port=1" MIGRATE_ON_START=0 PORT=$dead_port \
  "$bin" serve 2>"$work/dead.log" &
dead=$!

up() { curl -fs -o /dev/null "http://127.0.0.1:$1/healthz" 2>/dev/null; }
for _ in $(seq 1 300); do
  up "$port" && up "$dead_port" && break
  sleep 0.1
done
if ! up "$port" || ! up "$dead_port"; then
  echo "run.sh: the servers did not start"; cat "$work/server.log" "$work/dead.log"
  kill "$live" "$dead" 2>/dev/null; exit 1
fi

export CONSORTIA_URL=http://127.0.0.1:$port CONSORTIA_DEAD_URL=http://127.0.0.1:$dead_port
export DATABASE_URL=$TEST_DATABASE_URL CONTRACT_LOG=$work/contract.jsonl
export CONSORTIA_DATA=$(cd "$(dirname "$0")/../data" && pwd)
export REPORT_FIXTURE=$work/report-fixture
"$tests" --jobs 1 --full-stats ${CRITERION_FILTER:+--filter "$CRITERION_FILTER"}
rc=$?

# The area report as a person sees it: in Chromium, against its JSON.
if [ -s "$REPORT_FIXTURE" ]; then
  echo "== the area report in a browser"
  viewer=$("$bin" token --role viewer --sub browser-test --ttl 300)
  node "$contract_dir/report-browser.mjs" "$CONSORTIA_URL" "$viewer" "$REPORT_FIXTURE" \
    "$PWD/browser-report.png" || rc=1
elif [ -z "${CRITERION_FILTER:-}" ]; then
  echo "run.sh: the reports test left no fixture for the browser test"; rc=1
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
rm -rf "$work"
exit $rc
