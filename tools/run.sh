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

port=${PORT:-8080}
cat <<TXT

consortia is starting on http://localhost:$port  (Ctrl-C stops it)
A token for curl:
  export TOKEN=\$(JWT_SECRET_FILE=$JWT_SECRET_FILE $bin token --role admin --sub \$USER)
  curl -H "Authorization: Bearer \$TOKEN" "http://localhost:$port/v1/schools?la=937&phase=secondary"
The contract: http://localhost:$port/openapi.yaml

TXT
exec "$bin" serve
