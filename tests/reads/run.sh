#!/usr/bin/env bash
# The reads suite: a database of its own holding the demo and the bench's
# data (bench/money.sql, with tests/reads/variety.sql on top), a server on
# it, and the tests of the hot reads' answers. With TEST_READS_STANDBY_URL
# (the same database on the private cluster's standby: tools/pg.sh standby),
# the server reads from the standby too, and the tests of where reads go
# run (they pause the standby's replay, and stop and start it).
#
# usage: run.sh CONSORTIA_BIN READS_TEST_BIN
set -uo pipefail
bin=$1 tests=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ -z "${TEST_READS_DATABASE_URL:-}" ]; then
  echo "run.sh: set TEST_READS_DATABASE_URL to a disposable database (make test does); skipped"
  exit 77
fi
export DATABASE_URL=$TEST_READS_DATABASE_URL
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

load() {
  "$bin" migrate 2>/dev/null &&
  python3 "$root/tools/gen_gias.py" --national 3000 --urn-start 300000 --out "$work/national.csv" &&
  "$bin" import-gias "$work/national.csv" >/dev/null &&
  psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f "$root/bench/money.sql" &&
  psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f "$root/data/demo/structure.sql" &&
  "$bin" import-gias "$root/data/demo/warwickshire-gias.csv" --la 937 >/dev/null &&
  psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f "$root/data/demo/groups.sql" &&
  psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f "$here/variety.sql"
}
if ! load; then
  echo "run.sh: the data could not be loaded"; exit 1
fi

export JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
export BIND_ADDRESS=127.0.0.1 WORKERS=2 RATE_LIMIT_PER_MINUTE=0 MIGRATE_ON_START=0 WEBHOOKS=0
if [ -n "${TEST_READS_STANDBY_URL:-}" ]; then
  export DATABASE_READ_URL=$TEST_READS_STANDBY_URL READ_MAX_LAG_MS=1500 READ_CHECK_MS=50
  export STANDBY_URL=$TEST_READS_STANDBY_URL PG_SH=$root/tools/pg.sh
fi
port=$(free_port)
PORT=$port "$bin" serve 2>"$work/server.log" &
server=$!
for _ in $(seq 1 300); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break
  sleep 0.1
done
export CONSORTIA_URL=http://127.0.0.1:$port
"$tests" --jobs 1 --full-stats ${CRITERION_FILTER:+--filter "$CRITERION_FILTER"}
rc=$?
kill -TERM $server
wait $server
server_rc=$?
if [ $server_rc -ne 0 ]; then
  echo "run.sh: the server exited with $server_rc"; tail -20 "$work/server.log"; rc=1
fi
exit $rc
