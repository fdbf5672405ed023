#!/usr/bin/env bash
# Runs the fault tests: servers they start, stop and kill themselves, on a
# PostgreSQL cluster of their own (.local/pg-fault) that they stop, start
# and freeze, so the other suites' database is never touched.
#
# usage: run.sh CONSORTIA_BIN FAULT_TEST_BIN
set -uo pipefail
bin=$1 tests=$2
root=$(cd "$(dirname "$0")/../.." && pwd)

export CONSORTIA_PG_BASE=$root/.local/pg-fault CONSORTIA_PG_PORT=54339
export PG_SH=$root/tools/pg.sh CONSORTIA_BIN=$bin
bash "$PG_SH" start >/dev/null || { echo "run.sh: the fault cluster did not start"; exit 1; }
bash "$PG_SH" fresh consortia_fault >/dev/null || exit 1
export DATABASE_URL=$(bash "$PG_SH" url consortia_fault)
export JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
export FAULT_WORK=$(mktemp -d)
chmod 755 "$FAULT_WORK"

# One test at a time: each stops, freezes or floods what the others use.
"$tests" --jobs 1 --full-stats ${CRITERION_FILTER:+--filter "$CRITERION_FILTER"}
rc=$?
if [ $rc -ne 0 ]; then
  for log in "$FAULT_WORK"/*.log; do
    echo "--- $log (last lines)"; grep -v '"event":"request"' "$log" | tail -n 20
  done
fi
bash "$PG_SH" stop
rm -rf "$FAULT_WORK"
exit $rc
