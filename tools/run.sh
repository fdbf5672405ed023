#!/usr/bin/env bash
# make run: a database (the private one unless DATABASE_URL is set), the
# schema, the demo data, a signing secret, then the service on PORT (8080).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bin="$build/consortia"

if [ -z "${DATABASE_URL:-}" ]; then
  bash tools/pg.sh start
  bash tools/pg.sh ensure consortia
  export DATABASE_URL=$(bash tools/pg.sh url consortia)
fi
if [ -z "${JWT_SECRET:-}" ] && [ -z "${JWT_SECRET_FILE:-}" ]; then
  mkdir -p .local
  if [ ! -s .local/jwt-secret ]; then
    (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n' > .local/jwt-secret)
  fi
  export JWT_SECRET_FILE=$PWD/.local/jwt-secret
fi

"$bin" migrate
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f data/demo/structure.sql
"$bin" import-gias data/demo/warwickshire-gias.csv --la 937 |
  python3 -c 'import json,sys; r=json.load(sys.stdin); print("demo data: %(rows)d rows, %(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(rejected)d rejected" % r)'
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f data/demo/groups.sql

# The commands run in this checkout (./build/consortia token, create-admin,
# import-gias) find this database and key through .local/consortia.env.
mkdir -p .local
(umask 077; printf 'DATABASE_URL=%s\n' "$DATABASE_URL" > .local/consortia.env
 if [ -n "${JWT_SECRET_FILE:-}" ]; then printf 'JWT_SECRET_FILE=%s\n' "$JWT_SECRET_FILE" >> .local/consortia.env; fi)

# A first administrator for the demo, made once; its secret is kept in .local/.
# (psql interpolates :'cid' only in a query it reads, not in one given by -c.)
client_id=$(python3 -c 'import json; print(json.load(open(".local/admin.json"))["client_id"])' 2>/dev/null || true)
known=$(printf '%s\n' "SELECT 1 FROM service_account WHERE client_id = :'cid' AND revoked_at IS NULL;" |
        psql -X -tA "$DATABASE_URL" -v cid="$client_id" 2>/dev/null || true)
if [ -z "$client_id" ] || [ "$known" != 1 ]; then
  (umask 077; "$bin" create-admin "demo administrator" > .local/admin.json)
  client_id=$(python3 -c 'import json; print(json.load(open(".local/admin.json"))["client_id"])')
fi

port=${PORT:-8080}
cat <<TXT

consortia is starting on http://localhost:$port  (Ctrl-C stops it)
A token for curl, as the demo administrator (credentials in .local/admin.json):
  eval "\$(python3 -c 'import json; a=json.load(open(".local/admin.json")); print("CLIENT_ID=%s CLIENT_SECRET=%s" % (a["client_id"], a["client_secret"]))')"
  TOKEN=\$(curl -s -u "\$CLIENT_ID:\$CLIENT_SECRET" -d grant_type=client_credentials http://localhost:$port/v1/auth/token | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')
  curl -H "Authorization: Bearer \$TOKEN" "http://localhost:$port/v1/schools?la=937&phase=secondary"
The contract: http://localhost:$port/openapi.yaml

TXT
# The service runs in the background just long enough to appoint the demo
# chairs, play the demo year and seat its bodies through its own rules, then in the
# foreground until Ctrl-C.
"$bin" serve &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server' INT TERM
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://localhost:$port/healthz" && break; sleep 0.1; done
loader=$("$bin" token --role admin --sub demo-loader --ttl 300)
python3 tools/demo_chairs.py "http://localhost:$port" "$loader" || echo "demo chairs: not made (see above)"
python3 tools/demo_year.py "http://localhost:$port" "$loader" || echo "demo year: not made (see above)"
python3 tools/demo_bodies.py "http://localhost:$port" "$loader" || echo "demo bodies: not made (see above)"
python3 tools/demo_casework.py "http://localhost:$port" "$loader" || echo "demo casework: not made (see above)"
python3 tools/demo_region.py "http://localhost:$port" "$loader" || echo "demo region: not made (see above)"
wait $server
