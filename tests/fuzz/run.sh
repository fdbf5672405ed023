#!/usr/bin/env bash
# tests/fuzz/run.sh [DIR]: build every libFuzzer target of tests/fuzz with
# clang (AddressSanitizer, UndefinedBehaviorSanitizer, libFuzzer) and run
# each for FUZZ_SECONDS on a copy of its seed corpus.
#
# Everything it makes goes under DIR/fuzz (DIR defaults to a temporary
# directory, removed afterwards when nothing failed): obj/ and bin/, the
# working corpora in corpus/, logs in logs/, crashing inputs in artifacts/.
# The source tree is only read.
#
#   FUZZ_SECONDS=10        seconds per target
#   FUZZ_TARGETS="body ..."  the targets to build and run (default: all)
#   FUZZ_CC=clang-14       the compiler
#   FUZZ_BUILD_ONLY=1      build, run nothing
#
# Exit status: 0 when every target ran clean, 1 when one crashed, leaked,
# timed out or broke a contract (the input's path is printed), 77 (skipped,
# for meson) when there is no clang with libFuzzer.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${FUZZ_SECONDS:-10}
all_targets="body query cursor token import headers date text"
targets=${FUZZ_TARGETS:-$all_targets}
started=$(date +%s)

# Longest input per target: a little past what each parser accepts.
declare -A max_len=(
  [body]=8192 [query]=2048 [cursor]=3072 [token]=9000 [import]=8192
  [headers]=512 [date]=64 [text]=512
)

if [ -n "${1:-}" ]; then
  work=$(mkdir -p "$1/fuzz" && cd "$1/fuzz" && pwd)
  keep=1
else
  work=$(mktemp -d /tmp/consortia-fuzz.XXXXXX)/fuzz
  mkdir -p "$work"
  keep=0
fi

cc=${FUZZ_CC:-}
if [ -z "$cc" ]; then
  for c in clang-14 clang; do
    command -v "$c" >/dev/null 2>&1 && { cc=$c; break; }
  done
fi
probe="$work/probe.c"
printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe"
if [ -z "$cc" ] || ! "$cc" -fsanitize=fuzzer,address,undefined "$probe" -o "$work/probe" 2>/dev/null; then
  echo "fuzz: skipped: no clang with libFuzzer (apt-get install clang-14 libclang-rt-14-dev)" >&2
  exit 77
fi
rm -f "$probe" "$work/probe"

# ---- build ------------------------------------------------------------------

deps="jansson libpq libjwt libcrypto libulfius liborcania libmicrohttpd libargon2"
if ! pkgflags=$(pkg-config --cflags $deps) || ! pkglibs=$(pkg-config --libs $deps); then
  echo "fuzz: pkg-config does not know every one of: $deps" >&2
  exit 1
fi
# meson.build's flags for C, then the sanitizers; UB aborts so that libFuzzer keeps the input.
cflags=(-std=gnu11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer
        -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
        -fsanitize=address,undefined -fno-sanitize-recover=undefined
        -I"$root/lib" -I"$root/http" -I"$here" $pkgflags)
libs=($pkglibs -lcsv -lunistring -lpthread)

# The libraries as meson builds them (core_sources, http_sources), without the
# module that needs the generated migrations.c; the archive lets each target
# take what it uses.
mapfile -t sources < <(sed -n '/^core_sources = files(/,/)/p; /^http_sources = files(/,/)/p' "$root/meson.build" |
                       grep -o "'\(lib\|http\)/[A-Za-z0-9_]*\.c'" | tr -d "'" | grep -v '^lib/migrate\.c$')
if [ ${#sources[@]} -eq 0 ]; then
  echo "fuzz: no core_sources found in $root/meson.build" >&2
  exit 1
fi

mkdir -p "$work/obj" "$work/bin" "$work/logs" "$work/artifacts" "$work/corpus"
newest_header=$(ls -t "$root"/lib/*.h "$root"/http/*.h "$here"/*.h | head -1)
stale=()
for src in "${sources[@]}"; do
  obj="$work/obj/$(basename "$src" .c).o"
  if [ ! -f "$obj" ] || [ "$root/$src" -nt "$obj" ] || [ "$newest_header" -nt "$obj" ]; then
    stale+=("$src")
  fi
done
echo "fuzz: building ${#sources[@]} library sources (${#stale[@]} to compile) and the targets with $cc in $work"
# FUZZ_BUILD_JOBS compilers at a time; one that fails leaves no object behind.
compile() {
  local obj="$work/obj/$(basename "$1" .c).o"
  rm -f "$obj"
  "$cc" "${cflags[@]}" -fsanitize=fuzzer-no-link -c "$root/$1" -o "$obj.tmp" && mv "$obj.tmp" "$obj"
}
for src in "${stale[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "${FUZZ_BUILD_JOBS:-2}" ]; do wait -n; done
  compile "$src" &
done
wait
objs=()
for src in "${sources[@]}"; do
  obj="$work/obj/$(basename "$src" .c).o"
  if [ ! -f "$obj" ]; then
    echo "fuzz: $src does not compile under $cc" >&2
    exit 1
  fi
  objs+=("$obj")
done
rm -f "$work/obj/libcore.a"
ar rcs "$work/obj/libcore.a" "${objs[@]}" || exit 1

build_failed=0

for t in $targets; do
  if [ ! -f "$here/fuzz_$t.c" ]; then
    echo "fuzz: no target $t (tests/fuzz/fuzz_$t.c)" >&2
    exit 1
  fi
  "$cc" "${cflags[@]}" -fsanitize=fuzzer -DFUZZ_KEYS_DIR="\"$root/tests/data/keys\"" \
    "$here/fuzz_$t.c" "$work/obj/libcore.a" "${libs[@]}" -o "$work/bin/fuzz_$t" || build_failed=1
done
if [ $build_failed -ne 0 ]; then
  echo "fuzz: a target does not build" >&2
  exit 1
fi
built=$(date +%s)
echo "fuzz: built in $((built - started)) s"
[ "${FUZZ_BUILD_ONLY:-0}" = 1 ] && exit 0

# ---- run --------------------------------------------------------------------

# Leaks are failures; Criterion's suppressions (tools/lsan.supp) do not apply here.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1"
unset LSAN_OPTIONS

failed=()
printf 'fuzz: %-8s %10s %8s %6s %6s  %s\n' target runs exec/s cov ft result
for t in $targets; do
  corpus="$work/corpus/$t"
  mkdir -p "$corpus"
  [ -d "$here/corpus/$t" ] && cp -n "$here/corpus/$t"/* "$corpus"/ 2>/dev/null
  dict=()
  [ -f "$here/dict/$t.dict" ] && dict=(-dict="$here/dict/$t.dict")
  log="$work/logs/$t.log"
  # One process (no -jobs): one core, the other left to the rest of the test run.
  "$work/bin/fuzz_$t" "$corpus" "${dict[@]}" \
    -max_total_time="$seconds" -max_len="${max_len[$t]:-4096}" -timeout=5 -rss_limit_mb=2048 \
    -artifact_prefix="$work/artifacts/$t-" -print_final_stats=1 >"$log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  if [ $status -eq 0 ]; then
    result=ok
  else
    result="FAILED (exit $status)"
    failed+=("$t")
  fi
  printf 'fuzz: %-8s %10s %8s %6s %6s  %s\n' "$t" "${runs:--}" "${rate:--}" "${cov:--}" "${ft:--}" "$result"
  if [ $status -ne 0 ]; then
    grep -E 'ERROR: |contract broken|runtime error|SUMMARY' "$log" | head -5 | sed 's/^/fuzz:   /'
    input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    echo "fuzz:   input: ${input:-(none written)}"
    echo "fuzz:   log:   $log"
    echo "fuzz:   again: $work/bin/fuzz_$t ${input:-INPUT}"
  fi
done

echo "fuzz: ${#failed[@]} of $(wc -w <<<"$targets") targets failed, $(($(date +%s) - started)) s in all"
if [ ${#failed[@]} -gt 0 ]; then
  exit 1
fi
if [ $keep -eq 0 ]; then
  rm -rf "$(dirname "$work")"
fi
exit 0
