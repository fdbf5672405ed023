#!/usr/bin/env bash
# A private PostgreSQL cluster for development and tests, under .local/pg
# (or CONSORTIA_PG_BASE): data in data/, the socket in run/ (no TCP), the
# log in log.
#
#   pg.sh start            initdb on first use, then start (idempotent)
#   pg.sh stop | restart
#   pg.sh url [DB]         print the libpq URL of database DB (default consortia)
#   pg.sh fresh DB         drop DB if it exists and create it empty
#   pg.sh ensure DB        create DB if it does not exist
#   pg.sh pid              the postmaster's process id
#   pg.sh standby start    a streaming standby of the cluster (pg_basebackup on
#                          first use), in standby/ beside data/, on port+1
#   pg.sh standby stop | url [DB] | pid
#
# PostgreSQL refuses to run as root, so as root the cluster belongs to the
# 'postgres' user (made by Debian's package) and its commands run as that user.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
base="${CONSORTIA_PG_BASE:-$root/.local/pg}"
data="$base/data"
run="$base/run"
port="${CONSORTIA_PG_PORT:-54329}"
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "pg.sh: PostgreSQL server binaries not found (install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# As root, the postgres user must be able to reach .local/pg through every
# parent folder (a checkout in a private temporary folder may not allow it).
open_path() {
  [ "$(id -u)" -eq 0 ] || return 0
  local d="$base"
  while [ "$d" != "/" ]; do
    d=$(dirname "$d")
    if ! runuser -u postgres -- test -x "$d"; then
      echo "pg.sh: letting the postgres user traverse $d (chmod o+x)"
      chmod o+x "$d"
    fi
  done
}

url() {
  echo "postgresql:///${1:-consortia}?host=$run&port=$port&user=consortia"
}

# The standby: a copy of the cluster taken with pg_basebackup, replaying
# the primary's WAL as it streams (hot standby: it answers reads).
sdata="$base/standby"
sport=$((port + 1))
standby_url() {
  echo "postgresql:///${1:-consortia}?host=$run&port=$sport&user=consortia"
}
standby() {
  case "${1:-}" in
    start)
      start >/dev/null
      # A standby stopped while the primary went on replays from its last
      # restart point; once the primary has recycled that WAL it never
      # catches up, and the copy is taken again.
      if [ -f "$sdata/PG_VERSION" ] && ! as_owner "$bindir/pg_ctl" -D "$sdata" status >/dev/null 2>&1; then
        redo=$(as_owner "$bindir/pg_controldata" -D "$sdata" | sed -n "s/^Latest checkpoint's REDO WAL file: *//p")
        if [ -n "$redo" ] && ! as_owner test -f "$data/pg_wal/$redo"; then
          echo "pg.sh: the primary no longer holds the WAL the standby needs ($redo); copying it again"
          rm -rf "$sdata"
        fi
      fi
      if [ ! -f "$sdata/PG_VERSION" ]; then
        echo "pg.sh: copying the cluster into $sdata (pg_basebackup)"
        as_owner "$bindir/pg_basebackup" -h "$run" -p "$port" -U consortia -D "$sdata" \
          --write-recovery-conf --wal-method=stream --checkpoint=fast
      fi
      if as_owner "$bindir/pg_ctl" -D "$sdata" status >/dev/null 2>&1; then
        return 0
      fi
      # hot_standby_feedback: the primary's vacuum waits for the standby's
      # reads instead of cancelling them.
      as_owner "$bindir/pg_ctl" -D "$sdata" -l "$base/standby.log" -w -t 60 \
        -o "-k $run -p $sport -c listen_addresses='' -c max_connections=300 -c hot_standby_feedback=on" \
        start >/dev/null
      echo "pg.sh: the standby is running ($(standby_url))"
      ;;
    stop)
      if [ -f "$sdata/PG_VERSION" ]; then
        as_owner "$bindir/pg_ctl" -D "$sdata" -m fast -w stop >/dev/null 2>&1 || true
      fi
      ;;
    url) standby_url "${2:-consortia}" ;;
    pid) head -n 1 "$sdata/postmaster.pid" ;;
    *) sed -n '2,16p' "$0" >&2; exit 2 ;;
  esac
}

psql_admin() {
  psql -X -q -v ON_ERROR_STOP=1 "$(url postgres)" "$@"
}

start() {
  mkdir -p "$base"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$base"; fi
  open_path
  if [ ! -f "$data/PG_VERSION" ]; then
    echo "pg.sh: creating the cluster in $data"
    as_owner "$bindir/initdb" -D "$data" -U consortia --auth=trust --no-locale -E UTF8 >"$base/initdb.log"
    as_owner mkdir -p "$run"
  fi
  if as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    return 0
  fi
  as_owner "$bindir/pg_ctl" -D "$data" -l "$base/log" -w -t 60 \
    -o "-k $run -p $port -c listen_addresses='' -c max_connections=300" start >/dev/null
  echo "pg.sh: PostgreSQL is running ($(url))"
}

stop() {
  standby stop
  if [ -f "$data/PG_VERSION" ]; then
    as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  url) url "${2:-consortia}" ;;
  fresh)
    [[ "${2:-}" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "pg.sh: bad database name" >&2; exit 2; }
    psql_admin -c "DROP DATABASE IF EXISTS $2 WITH (FORCE)" -c "CREATE DATABASE $2"
    ;;
  ensure)
    [[ "${2:-}" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "pg.sh: bad database name" >&2; exit 2; }
    if [ -z "$(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = '$2'")" ]; then
      psql_admin -c "CREATE DATABASE $2"
    fi
    ;;
  pid) head -n 1 "$data/postmaster.pid" ;;
  standby) standby "${2:-}" "${3:-}" ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
