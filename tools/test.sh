#!/usr/bin/env bash
# make test: for each build directory given, a fresh scratch database and
# every meson test suite (unit, http against a running server, contract).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/deps.sh --test
bash tools/contract-deps.sh
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  bash tools/pg.sh start
  bash tools/pg.sh standby start   # the reads suite reads from it
fi

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1
export LSAN_OPTIONS=suppressions=$PWD/tools/lsan.supp:print_suppressions=0

status=0
for dir in "$@"; do
  echo "== tests in $dir"
  ninja -C "$dir"
  if [ -z "${TEST_DATABASE_URL:-}" ]; then
    bash tools/pg.sh fresh consortia_test
    bash tools/pg.sh fresh consortia_test_replicas
    bash tools/pg.sh fresh consortia_test_reads
    db=$(bash tools/pg.sh url consortia_test)
    export TEST_REPLICAS_DATABASE_URL=$(bash tools/pg.sh url consortia_test_replicas)
    export TEST_READS_DATABASE_URL=$(bash tools/pg.sh url consortia_test_reads)
    export TEST_READS_STANDBY_URL=$(bash tools/pg.sh standby url consortia_test_reads)
  else
    db=$TEST_DATABASE_URL
  fi
  TEST_DATABASE_URL=$db meson test -C "$dir" --print-errorlogs --num-processes 1 || status=1
done
bash tools/deploy-check.sh || status=1

# One closing count over every build: the Criterion cases (unit, http,
# http-replicas, reads) as their runs summed them up.
cat "${@/%//meson-logs/testlog.txt}" 2>/dev/null |
  sed -n 's/.*Synthesis: Tested: [0-9]* | Passing: \([0-9]*\) | Failing: \([0-9]*\) | Crashing: \([0-9]*\).*/\1 \2 \3/p' |
  awk '{p += $1; f += $2 + $3} END {printf "tests: %d passed, %d failed\n", p, f}' || true
exit $status
