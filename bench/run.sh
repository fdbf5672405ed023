#!/usr/bin/env bash
# Benchmark of the register's two hottest reads against the database alone.
#
# Loads 24,000 schools (national-shaped, 150 LAs) into a fresh database on
# the private cluster, starts the server, and in one run measures:
#   - wrk: GET /v1/schools/{urn} (random URN) and GET /v1/schools?limit=100,
#     32 connections: requests/s and p99 latency;
#   - pgbench: the same SQL the server runs, prepared, 32 clients: transactions/s;
#   - the ratio of the two, and the server's peak RSS after a 256-connection run.
# Server, PostgreSQL and the load generators share this machine's cores.
#
# Then the money paths at national scale; the writes (an officer's POST of
# an allocation and its approval, 8 connections) beside pgbench running the
# same statements, 8 clients; and the two reads again through nginx in front
# of two replicas.
# Settings: DURATION (s, default 20), SCHOOLS (default 24000), WORKERS,
# CONSORTIA_BIN (default build/consortia).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-20}
schools=${SCHOOLS:-24000}
first=200000
last=$((first + schools - 1))
work=.local/bench
mkdir -p "$work"

bash tools/pg.sh start >/dev/null
bash tools/pg.sh fresh consortia_bench
export DATABASE_URL=$(bash tools/pg.sh url consortia_bench)
export JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
bin=${CONSORTIA_BIN:-build/consortia}   # another build, to compare

python3 tools/gen_gias.py --national "$schools" --urn-start $first --out "$work/national.csv"
$bin migrate 2>/dev/null
start=$(date +%s.%N)
$bin import-gias "$work/national.csv" > "$work/import.json"
import_s=$(echo "$(date +%s.%N) - $start" | bc)
psql -X -q "$DATABASE_URL" -c "VACUUM ANALYZE"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# wrk is one caller with one token: the per-caller rate limit would measure itself.
RATE_LIMIT_PER_MINUTE=0 BIND_ADDRESS=127.0.0.1 PORT=$port MIGRATE_ON_START=0 $bin serve 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
export TOKEN=$($bin token --role viewer --sub bench --ttl 3600) URN_FIRST=$first URN_COUNT=$schools

wrk_run() {  # connections script [port] -> "rps p99_ms non2xx"
  wrk -t2 -c"$1" -d"${duration}s" --latency -s "bench/$2" "http://127.0.0.1:${3:-$port}" > "$work/wrk.out"
  awk '/Requests\/sec/ {rps=$2} /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p99=v}
       /Non-2xx/ {bad=$4} END {printf "%s %s %s\n", rps, p99, bad+0}' "$work/wrk.out"
}
pgbench_run() {  # script -> tps
  pgbench -n -M prepared -c 32 -j 2 -T "$duration" -D first=$first -D last=$last \
    -f "bench/$1" "$DATABASE_URL" 2>/dev/null | awk '/^tps/ {print $3; exit}'
}

wrk_run 4 school_get.lua > /dev/null   # warm the caches
read -r get_rps get_p99 get_bad < <(wrk_run 32 school_get.lua)
get_pg=$(pgbench_run school_get.sql)
read -r page_rps page_p99 page_bad < <(wrk_run 32 school_page.lua)
page_pg=$(pgbench_run school_page.sql)
read -r c256_rps c256_p99 c256_bad < <(wrk_run 256 school_get.lua)
rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$server/status)

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "schools: $schools; import of the extract: ${import_s}s ($(python3 -c 'import json; r=json.load(open(".local/bench/import.json")); print("%(created)d created, %(rejected)d rejected" % r)'))"
echo "server: WORKERS=${WORKERS:-$(nproc)}; wrk and pgbench: ${duration}s each, 2 threads"
printf '%-28s %10s %9s %10s %7s %s\n' "" "server r/s" "p99 ms" "pgbench" "ratio" "target"
printf '%-28s %10.0f %9.2f %10.0f %6.1f%% %s\n' "GET /v1/schools/{urn} c=32" "$get_rps" "$get_p99" "$get_pg" \
  "$(echo "100 * $get_rps / $get_pg" | bc -l)" ">= 15%, p99 < 10 ms"
printf '%-28s %10.0f %9.2f %10.0f %6.1f%% %s\n' "GET /v1/schools?limit=100" "$page_rps" "$page_p99" "$page_pg" \
  "$(echo "100 * $page_rps / $page_pg" | bc -l)" ">= 12%"
printf '%-28s %10.0f %9.2f\n' "GET /v1/schools/{urn} c=256" "$c256_rps" "$c256_p99"
echo "non-2xx answers: $get_bad / $page_bad / $c256_bad"
echo "server peak RSS after the 256-connection run: $((rss_kb / 1024)) MB (target < 40 MB)"

# Money at scale: calculate a fund over 1,500 groups of one LA of 10,000
# schools (bench/money.sql), then read 100,000 payment changes through the feed.
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f bench/money.sql
fund=$(psql -X -tA "$DATABASE_URL" -c "SELECT id FROM fund WHERE name = 'Bench recovery'")
officer=$($bin token --role officer --sub bench --ttl 3600)
calc_times=()
for _ in 1 2 3; do
  calc_times+=("$(curl -s -o "$work/calc.json" -w '%{time_total}' -X POST \
                  -H "Authorization: Bearer $officer" "http://127.0.0.1:$port/v1/funds/$fund/calculate")")
done
groups=$(python3 -c 'import json; r=json.load(open(".local/bench/calc.json")); print(len(r["allocations"]), r["allocated_pence"] == r["pot_pence"])')
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f bench/feed.sql
read -r changes pages feed_s < <(python3 bench/feed.py "http://127.0.0.1:$port" \
  "$($bin token --role finance --sub bench --ttl 3600)" 5000)
echo "calculate a fund of $(psql -X -tA "$DATABASE_URL" -c "SELECT count(*) FROM membership m JOIN school_group g ON g.id = m.group_id WHERE g.name LIKE 'Bench group %'") schools in 1,500 groups: $(printf '%s\n' "${calc_times[@]}" | sort -n | sed -n 2p) s (median of 3; allocations, pot matched: $groups)"
echo "read the payment feed: $changes changes in $pages pages of 5,000 in ${feed_s} s"

# Writes: POST /v1/fund-allocations then POST .../approve of it, each pair a
# fund and group of its own; pgbench runs the statements the server runs for
# the two (consortia sql; bench/write_pg.py), one transaction a request.
if $bin sql fund-allocation > "$work/write_statements.tsv" 2>/dev/null; then
  psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f bench/write.sql
  psql -X -q "$DATABASE_URL" -c "\\copy (SELECT fund_id, group_id, urn FROM bench_pair WHERE n <= 50000 ORDER BY n) TO '$work/pairs.tsv'"
  python3 bench/write_pg.py < "$work/write_statements.tsv" > "$work/write_pg.sql"
  read -r write_rps write_p99 write_bad < <(TOKEN=$officer PAIRS=$work/pairs.tsv THREADS=2 wrk_run 8 write.lua)
  write_pg=$(pgbench -n -M prepared -c 8 -j 2 -T "$duration" -f "$work/write_pg.sql" "$DATABASE_URL" 2>/dev/null |
             awk '/^tps/ {print $3; exit}')
  printf '%-28s %10s %9s %10s %7s\n' "" "pairs/s" "p99 ms" "pgbench" "ratio"
  printf '%-28s %10.0f %9.2f %10.0f %6.1f%%\n' "POST + approve c=8" "$(echo "$write_rps / 2" | bc -l)" \
    "$write_p99" "$write_pg" "$(echo "100 * $write_rps / 2 / $write_pg" | bc -l)"
  echo "non-2xx answers: $write_bad; each pair is two requests (${write_rps} requests/s)"
else
  echo "writes: this build has no 'consortia sql'; the write step is skipped"
fi

# As deployed: nginx on loopback in front of two replicas on the same
# database (each with WORKERS threads), all on this machine's cores.
port2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
lb_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RATE_LIMIT_PER_MINUTE=0 BIND_ADDRESS=127.0.0.1 PORT=$port2 MIGRATE_ON_START=0 TRUSTED_PROXIES=127.0.0.1 \
  $bin serve 2>/dev/null &
server2=$!
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<NGINX
pid $PWD/$work/nginx/nginx.pid;
error_log $PWD/$work/nginx/error.log;
worker_processes 1;
events { worker_connections 4096; }
http {
  access_log off;
  upstream replicas { server 127.0.0.1:$port; server 127.0.0.1:$port2; keepalive 64; keepalive_timeout 20s; }
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
nginx -c "$PWD/$work/nginx/nginx.conf" -p "$PWD/$work/nginx" -g 'daemon off;' 2>/dev/null &
lb=$!
trap 'kill $server $server2 $lb 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$lb_port/healthz" && break; sleep 0.1; done
read -r lb_get_rps lb_get_p99 lb_get_bad < <(wrk_run 32 school_get.lua "$lb_port")
read -r lb_page_rps lb_page_p99 lb_page_bad < <(wrk_run 32 school_page.lua "$lb_port")
echo "through nginx to two replicas (one nginx worker, on the same two cores):"
printf '%-28s %10.0f %9.2f\n' "GET /v1/schools/{urn} c=32" "$lb_get_rps" "$lb_get_p99"
printf '%-28s %10.0f %9.2f\n' "GET /v1/schools?limit=100" "$lb_page_rps" "$lb_page_p99"
echo "non-2xx answers: $lb_get_bad / $lb_page_bad"
