#!/usr/bin/env bash
# What can be checked of the deployment files without a container engine:
# docker-compose.yml validates, the nginx configuration parses, and the
# sources the Dockerfile copies build on their own in its release mode
# (which also catches what only -O3 warns of).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== docker-compose.yml"
JWT_SECRET=check-only docker-compose -f docker-compose.yml config -q

echo "== deploy/nginx-compose.conf"
printf 'pid %s/nginx.pid;\nerror_log stderr;\nevents {}\nhttp { access_log off; include %s/deploy/nginx-compose.conf; }\n' \
  "$work" "$PWD" > "$work/nginx.conf"
nginx -q -e stderr -t -c "$work/nginx.conf" -p "$work"

echo "== the image's build (Dockerfile's sources, release, no tests)"
mkdir -p "$work/src/tools" "$work/src/docs"
sed -n 's/^COPY \([^-][^ ]*\( [^ ]*\)*\) [^ ]*$/\1/p' Dockerfile | tr ' ' '\n' | while read -r f; do
  [ -n "$f" ] && cp -r "$f" "$work/src/$(dirname "$f")/"
done
cp -r docs/node_modules "$work/src/docs/"   # what the image's npm ci installs
(cd "$work/src" && meson setup "$work/build" --buildtype=release -Dtests=false >/dev/null && ninja -C "$work/build" >/dev/null)
"$work/build/consortia" --help >/dev/null
echo "deployment files: ok"
