#!/usr/bin/env bash
# The service side by side with its peers (../shared/peers: the leanest
# server on the same stack, and Fastify with node-postgres), in one run, on
# the same database and the same statements, all on this machine's cores.
#
# Loads 24,000 schools (national-shaped, 150 LAs), 1,500 groups over 10,000
# of them (bench/money.sql), then:
#   - reads, in ROUNDS interleaved rounds (medians): GET /v1/schools/{urn}
#     (a random URN) and GET /v1/schools?limit=100, wrk -t2 -c32, against
#     each server; then the single read at 256 connections, and each
#     server's peak RSS after it;
#   - pgbench (32 clients) of the statements each build runs for the two
#     reads, beside a plain primary-key select;
#   - the writes: an allocation made, approved and paid (three requests, 8
#     connections) beside pgbench running the same statements (8 clients),
#     and the payment feed's counter alone, the ceiling of payment changes
#     a second;
#   - the money at scale (a fund calculated over 1,500 groups, the payment
#     feed read whole, by the build before too);
#   - pgbench of a page of the feed and an area's report, now and as they
#     were built before (tests/reads/before.h), and the two reads through
#     nginx to two servers.
# Settings: DURATION (s a measure, default 12), ROUNDS (default 2), SCHOOLS
# (default 24000), WORKERS, CONSORTIA_BIN (default build/consortia),
# CONSORTIA_BIN_BEFORE (an earlier build, measured beside on the same
# database: the before of a change), PEERS (default ../shared/peers).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-12}
rounds=${ROUNDS:-2}
schools=${SCHOOLS:-24000}
first=200000
last=$((first + schools - 1))
work=$PWD/.local/bench
peers=$(cd "${PEERS:-../shared/peers}" && pwd)
bin=${CONSORTIA_BIN:-build/consortia}
before_bin=${CONSORTIA_BIN_BEFORE:-}
mkdir -p "$work"

bash tools/pg.sh start >/dev/null
bash tools/pg.sh fresh consortia_bench
export DATABASE_URL=$(bash tools/pg.sh url consortia_bench)
export JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')

python3 tools/gen_gias.py --national "$schools" --urn-start $first --out "$work/national.csv"
$bin migrate 2>/dev/null
start=$(date +%s.%N)
$bin import-gias "$work/national.csv" > "$work/import.json"
import_s=$(echo "$(date +%s.%N) - $start" | bc)
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f bench/money.sql
psql -X -q "$DATABASE_URL" -c "VACUUM ANALYZE"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
up() { for _ in $(seq 1 200); do curl -fs -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$1$2" && return 0; sleep 0.1; done; echo "bench: nothing answers on port $1" >&2; return 1; }
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
export TOKEN=$($bin token --role viewer --sub bench --ttl 7200) URN_FIRST=$first URN_COUNT=$schools

# --- the statements, as each build prints them (consortia sql school) -------
# The single read: $1 the day (NULL: today), $2 the URN. The page: the
# list's first page ($1 the day), of 100; a build that does not print it
# (before `list` was printed) is given its document over the list's join,
# keyset on the URN, as its lib/list.c built it. The peers take the same
# statements with their own parameters: $1 the URN; $1 the cursor ('' for
# the first page) and $2 the limit.
doc_of() { sed -e 's/^SELECT s.version AS version, //' -e 's/ AS doc FROM .*//'; }
statements() {  # binary name -> $work/name_{get,page}.sql (pgbench) and name_{one,list}.sql (peers)
  local get list
  get=$("$1" sql school | awk -F'\t' '$1 == "get" {print $2}')
  list=$("$1" sql school | awk -F'\t' '$1 == "list" {print $2}')
  [ -n "$list" ] || list="SELECT $(echo "$get" | doc_of), (s.urn)::text, (s.urn)::text FROM school s JOIN local_authority l ON l.id = s.la_id WHERE true ORDER BY s.urn ASC, s.urn ASC LIMIT 51"
  list=$(echo "$list" | sed 's/\$1::date/NULL::date/g')
  printf '\\set urn random(:first, :last)\n%s;\n' \
    "$(echo "$get" | sed -e 's/\$1::date/NULL::date/g' -e 's/\$2::integer/:urn::integer/')" > "$work/$2_get.sql"
  echo "$list;" | sed 's/ LIMIT 51;$/ LIMIT 101;/' > "$work/$2_page.sql"
  echo "$get" | sed -e 's/\$1::date/NULL::date/g' -e 's/\$2::integer/$1::integer/' > "$work/$2_one.sql"
  echo "$list" | sed -e 's/, (s.urn)::text, (s.urn)::text FROM / AS doc, s.urn FROM /' \
    -e "s/ WHERE true ORDER BY s.urn ASC, s.urn ASC LIMIT 51\$/ WHERE s.urn > coalesce(nullif(\$1, '')::integer, 0) ORDER BY s.urn LIMIT \$2::integer/" \
    > "$work/$2_list.sql"
  grep -q 'LIMIT 101;$' "$work/$2_page.sql" && grep -q 'LIMIT \$2::integer$' "$work/$2_list.sql" ||
    { echo "bench: the list statement of $1 is not of the shape expected" >&2; exit 1; }
}
statements "$bin" service
[ -n "$before_bin" ] && statements "$before_bin" before
printf '\\set urn random(:first, :last)\nSELECT s.version, s.name FROM school s WHERE s.urn = :urn::integer;\n' > "$work/pk.sql"

# --- the servers ---------------------------------------------------------------
declare -A port=()
names=(service)
serve() {  # name binary
  port[$1]=$(free_port)
  RATE_LIMIT_PER_MINUTE=0 BIND_ADDRESS=127.0.0.1 PORT=${port[$1]} MIGRATE_ON_START=0 WEBHOOKS=0 "$2" serve 2>/dev/null &
  pids+=($!); eval "pid_$1=$!"
}
serve service "$bin"
if [ -n "$before_bin" ]; then serve before "$before_bin"; names+=(before); fi

# The peers, built and installed in a scratch folder; their sources stay where they are.
gcc -O2 "$peers/c-ceiling/ceiling.c" -o "$work/ceiling" \
  $(pkg-config --cflags --libs libulfius jansson libjwt libpq libmicrohttpd) -lpthread
mkdir -p "$work/fastify"
cp "$peers/fastify/package.json" "$peers/fastify/package-lock.json" "$work/fastify/"
(cd "$work/fastify" && npm ci --silent --no-audit --no-fund >/dev/null)
ln -sf "$peers/fastify/server.js" "$work/fastify/server.js"
export PEER_SQL_ONE=$(cat "$work/service_one.sql") PEER_SQL_LIST=$(cat "$work/service_list.sql")
port[ceiling]=$(free_port)
PASSTHRU=1 PORT=${port[ceiling]} "$work/ceiling" 2>/dev/null &
pids+=($!); pid_ceiling=$!
port[fastify]=$(free_port)
PEER_DOC_COL=doc PORT=${port[fastify]} node --preserve-symlinks --preserve-symlinks-main "$work/fastify/server.js" 2>/dev/null &
pids+=($!); pid_fastify=$!
names+=(ceiling fastify)
for n in "${names[@]}"; do up "${port[$n]}" "/v1/schools/$first"; done

# The same answer from each: the peers pass the service's documents through.
for n in "${names[@]}"; do
  curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:${port[$n]}/v1/schools/$((first + 7))" > "$work/answer_$n.json"
done
for n in "${names[@]}"; do
  cmp -s "$work/answer_service.json" "$work/answer_$n.json" || { echo "bench: $n answers another document for one school" >&2; exit 1; }
  # (Fastify's serializer sends each document of a page as a JSON string: its quotes escaped)
  items=$(curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:${port[$n]}/v1/schools?limit=100" |
          python3 -c 'import re, sys; print(len(re.findall(r"urn\\?\" : ", sys.stdin.read())))')
  [ "$items" = 100 ] || { echo "bench: $n's first page holds $items schools, not 100" >&2; exit 1; }
done

# --- measures ----------------------------------------------------------------
wrk_run() {  # connections script port -> "rps p99_ms non2xx"
  wrk -t2 -c"$1" -d"${duration}s" --latency -s "bench/$2" "http://127.0.0.1:$3" > "$work/wrk.out"
  awk '/Requests\/sec/ {rps=$2} /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p99=v}
       /Non-2xx/ {bad=$4} /Socket errors/ {bad+=0} END {printf "%s %s %s\n", rps, p99, bad+0}' "$work/wrk.out"
}
pgbench_run() {  # clients script -> tps
  pgbench -n -M prepared -c "$1" -j 2 -T "$duration" -D first=$first -D last=$last \
    -f "$2" "$DATABASE_URL" 2>/dev/null | awk '/^tps/ {print $3; exit}'
}
median() { sort -g | awk '{v[NR]=$1} END {if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2] + v[NR/2+1]) / 2}'; }
declare -A samples=()
note() { samples[$1]+="$2"$'\n'; }   # key value
med() { printf '%s' "${samples[$1]}" | median; }

for n in "${names[@]}"; do wrk_run 8 school_get.lua "${port[$n]}" > /dev/null; done   # warm each
pg_scripts=(pk service_get service_page)
[ -n "$before_bin" ] && pg_scripts+=(before_get before_page)
for round in $(seq 1 "$rounds"); do
  for n in "${names[@]}"; do
    read -r rps p99 bad < <(wrk_run 32 school_get.lua "${port[$n]}")
    note "get_rps_$n" "$rps"; note "get_p99_$n" "$p99"; note "get_bad_$n" "$bad"
    read -r rps p99 bad < <(wrk_run 32 school_page.lua "${port[$n]}")
    note "page_rps_$n" "$rps"; note "page_p99_$n" "$p99"; note "page_bad_$n" "$bad"
  done
  for s in "${pg_scripts[@]}"; do note "pg_$s" "$(pgbench_run 32 "$work/$s.sql")"; done
done
for n in "${names[@]}"; do
  read -r rps p99 bad < <(wrk_run 256 school_get.lua "${port[$n]}")
  note "c256_rps_$n" "$rps"; note "c256_p99_$n" "$p99"; note "c256_bad_$n" "$bad"
  pid_var="pid_$n"
  note "rss_$n" "$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/${!pid_var}/status")"
done

ratio() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.2fx", $1 / $2; else print "-" }'; }
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "schools: $schools; import of the extract: ${import_s}s ($(python3 -c 'import json; r=json.load(open(".local/bench/import.json")); print("%(created)d created, %(rejected)d rejected" % r)'))"
echo "servers: the service (WORKERS=${WORKERS:-$(nproc)})${before_bin:+, the build before ($before_bin)}, the C ceiling (2 threads, 4 connections), Fastify (4 connections)"
echo "wrk -t2 and pgbench -j2, ${duration}s a measure; medians of $rounds interleaved rounds; all on these cores"
printf '\n%-30s' "read"
for n in "${names[@]}"; do printf '%22s' "$n"; done
printf '\n'
for m in get page c256; do
  case $m in get) label="GET /v1/schools/{urn} c=32" ;; page) label="GET /v1/schools?limit=100" ;; c256) label="GET /v1/schools/{urn} c=256" ;; esac
  printf '%-30s' "$label"
  for n in "${names[@]}"; do printf '%12.0f r/s %5.1f ms' "$(med "${m}_rps_$n")" "$(med "${m}_p99_$n")"; done
  printf '\n'
done
printf '%-30s' "peak RSS after c=256"
for n in "${names[@]}"; do printf '%19s MB' "$(med "rss_$n")"; done
printf '\n%-30s' "non-2xx answers"
for n in "${names[@]}"; do printf '%22s' "$(med "get_bad_$n")/$(med "page_bad_$n")/$(med "c256_bad_$n")"; done
printf '\n\n'
echo "service against Fastify: single read $(ratio "$(med get_rps_service)" "$(med get_rps_fastify)") (target >= 3x), p99 $(ratio "$(med get_p99_service)" "$(med get_p99_fastify)") of Fastify's (target <= 0.33x);"
echo "  the page $(ratio "$(med page_rps_service)" "$(med page_rps_fastify)") (target >= 2.5x); at 256 connections $(ratio "$(med c256_rps_service)" "$(med c256_rps_fastify)")"
echo "service against the C ceiling: single read $(ratio "$(med get_rps_service)" "$(med get_rps_ceiling)"), the page $(ratio "$(med page_rps_service)" "$(med page_rps_ceiling)")"
[ -n "$before_bin" ] && echo "service against the build before: single read $(ratio "$(med get_rps_service)" "$(med get_rps_before)"), the page $(ratio "$(med page_rps_service)" "$(med page_rps_before)")"
echo
printf '%-46s %10s\n' "pgbench, 32 clients" "tps"
printf '%-46s %10.0f\n' "primary-key select of a school" "$(med pg_pk)"
printf '%-46s %10.0f  (%s of the key select)\n' "the single read's statement" "$(med pg_service_get)" "$(ratio "$(med pg_service_get)" "$(med pg_pk)")"
printf '%-46s %10.0f\n' "the page's statement" "$(med pg_service_page)"
if [ -n "$before_bin" ]; then
  printf '%-46s %10.0f  (now %s)\n' "the single read's statement, the build before" "$(med pg_before_get)" "$(ratio "$(med pg_service_get)" "$(med pg_before_get)")"
  printf '%-46s %10.0f  (now %s)\n' "the page's statement, the build before" "$(med pg_before_page)" "$(ratio "$(med pg_service_page)" "$(med pg_before_page)")"
fi
echo "the service's single read: $(ratio "$(med get_rps_service)" "$(med pg_service_get)") of pgbench of its statement; the page $(ratio "$(med page_rps_service)" "$(med pg_service_page)")"

# --- writes ------------------------------------------------------------------
# An allocation made (officer), approved (officer) and paid (finance), each
# triple a fund and group of its own, 8 connections; pgbench runs the
# statements the server runs for the three (bench/write_pg.py), 8 clients,
# one transaction of pgbench's a triple.
officer=$($bin token --role officer --sub bench --ttl 3600)
finance=$($bin token --role finance --sub bench-finance --ttl 3600)
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f bench/write.sql
psql -X -q "$DATABASE_URL" -c "\\copy (SELECT fund_id, group_id, urn FROM bench_pair WHERE n <= 50000 ORDER BY n) TO '$work/pairs.tsv'"
$bin sql fund-allocation > "$work/allocation.tsv"
$bin sql payment > "$work/payment.tsv"
python3 bench/write_pg.py "$work/allocation.tsv" "$work/payment.tsv" > "$work/write_pg.sql"
read -r write_rps write_p99 write_bad < <(TOKEN=$officer PAY_TOKEN=$finance PAIRS=$work/pairs.tsv THREADS=2 \
                                          wrk_run 8 write.lua "${port[service]}")
paid=$(psql -X -tA "$DATABASE_URL" -c "SELECT count(*) FROM payment WHERE status = 'paid'")
write_pg=$(pgbench_run 8 "$work/write_pg.sql")
printf '\n%-34s %10s %9s %10s %7s\n' "writes, 8 connections" "triples/s" "p99 ms" "pgbench" "ratio"
printf '%-34s %10.0f %9.2f %10.0f %7s\n' "make + approve + pay" "$(echo "$write_rps / 3" | bc -l)" \
  "$write_p99" "$write_pg" "$(ratio "$(echo "$write_rps / 3" | bc -l)" "$write_pg")"
echo "  (target >= 0.50x); $write_rps requests/s, non-2xx $write_bad; payments paid through the service: $paid"
printf 'BEGIN;\nUPDATE payment_feed_counter SET last = last + 1;\nCOMMIT;\n' > "$work/counter.sql"
counter=$(pgbench_run 8 "$work/counter.sql")
psql -X -q "$DATABASE_URL" -c "UPDATE payment_feed_counter SET last = (SELECT coalesce(max(position), 0) FROM payment_change)"
printf 'the payment feed'"'"'s one counter alone, 8 clients: %.0f changes/s: every payment change (an approval,\n' "$counter"
echo "  a payment) takes it until its transaction ends, so no number of servers writes payments faster"

# --- the money at scale --------------------------------------------------------
# Calculate a fund of 1,500 groups of one LA of 10,000 schools, then read
# 100,000 payment changes through the feed.
fund=$(psql -X -tA "$DATABASE_URL" -c "SELECT id FROM fund WHERE name = 'Bench recovery'")
calc_times=()
for _ in 1 2 3; do
  calc_times+=("$(curl -s -o "$work/calc.json" -w '%{time_total}' -X POST \
                  -H "Authorization: Bearer $officer" "http://127.0.0.1:${port[service]}/v1/funds/$fund/calculate")")
done
groups=$(python3 -c 'import json; r=json.load(open(".local/bench/calc.json")); print(len(r["allocations"]), r["allocated_pence"] == r["pot_pence"])')
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f bench/feed.sql
feed_read() { python3 bench/feed.py "http://127.0.0.1:${port[$1]}" "$finance" 5000; }
read -r changes pages feed_s < <(feed_read service)
feed_before_s=
[ -z "$before_bin" ] || read -r _ _ feed_before_s < <(feed_read before)
echo
echo "calculate a fund of 10,000 schools in 1,500 groups: $(printf '%s\n' "${calc_times[@]}" | sort -n | sed -n 2p) s (median of 3; allocations, pot matched: $groups)"
echo "read the payment feed: $changes changes in $pages pages of 5,000 in ${feed_s} s${feed_before_s:+ (the build before: $feed_before_s s)}"

# --- the feed's page and the area's report: now, and as they were built ---------
# pgbench, 8 clients: a page of 500 changes of the feed from a random
# position, with the statement this build prints (`consortia sql payment`)
# and with the one that built each item on each read (tests/reads/before.h,
# which the reads suite holds the answers to); and an area's report (150
# groups, bench/areas.sql) for 2020/21, with the functions as they are and
# as their SQL functions were (made in a schema of the bench's own).
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f bench/areas.sql
{ echo "CREATE SCHEMA bench_before;"; python3 bench/before_sql.py BEFORE_REPORT_FUNCTIONS | sed 's/pg_temp\./bench_before./g'; } |
  psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL"
feed_script() {  # statement -> a pgbench script of it
  printf '\\set a random(0, %d)\n%s;\n' "$changes" "$(echo "$1" | sed -e 's/\$1::bigint/:a::bigint/g' -e 's/\$2::integer/500/')"
}
feed_script "$($bin sql payment | awk -F'\t' '$1 == "feed" {print $2}')" > "$work/feed_now.sql"
feed_script "$(python3 bench/before_sql.py BEFORE_FEED_HEAD BEFORE_FEED_TAIL)" > "$work/feed_before.sql"
grep -q ':a::bigint' "$work/feed_now.sql" || { echo "bench: this build prints no feed statement" >&2; exit 1; }
areas=$(psql -X -tA "$DATABASE_URL" -c "SELECT min(id) || ' ' || max(id) FROM area WHERE code LIKE 'bench-%'")
for f in area_report bench_before.before_area_report; do
  printf '\\set a random(%s, %s)\nSELECT %s(:a::bigint, '"'"'2020/21'"'"')::text;\n' $areas "$f" > "$work/$f.sql"
done
feed_now=$(pgbench_run 8 "$work/feed_now.sql"); feed_before=$(pgbench_run 8 "$work/feed_before.sql")
area_now=$(pgbench_run 8 "$work/area_report.sql"); area_before=$(pgbench_run 8 "$work/bench_before.before_area_report.sql")
printf '\n%-46s %10s %10s %7s\n' "pgbench, 8 clients" "now" "before" "ratio"
printf '%-46s %10.0f %10.0f %7s\n' "a page of 500 of the payment feed" "$feed_now" "$feed_before" "$(ratio "$feed_now" "$feed_before")"
printf '%-46s %10.0f %10.0f %7s\n' "an area's report, 150 groups" "$area_now" "$area_before" "$(ratio "$area_now" "$area_before")"
echo

# --- as deployed: nginx on loopback in front of two servers --------------------
serve second "$bin"
lb_port=$(free_port)
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<NGINX
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
worker_processes 1;
events { worker_connections 4096; }
http {
  access_log off;
  upstream replicas { server 127.0.0.1:${port[service]}; server 127.0.0.1:${port[second]}; keepalive 64; keepalive_timeout 20s; }
  server {
    listen 127.0.0.1:$lb_port;
    location / {
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
}
NGINX
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g 'daemon off;' 2>/dev/null &
pids+=($!)
up "$lb_port" /healthz
read -r lb_get_rps lb_get_p99 lb_get_bad < <(wrk_run 32 school_get.lua "$lb_port")
read -r lb_page_rps lb_page_p99 lb_page_bad < <(wrk_run 32 school_page.lua "$lb_port")
echo "through nginx to two servers (one nginx worker, on the same two cores):"
printf '%-30s %10.0f r/s %7.2f ms\n' "GET /v1/schools/{urn} c=32" "$lb_get_rps" "$lb_get_p99"
printf '%-30s %10.0f r/s %7.2f ms\n' "GET /v1/schools?limit=100" "$lb_page_rps" "$lb_page_p99"
echo "non-2xx answers: $lb_get_bad / $lb_page_bad"
