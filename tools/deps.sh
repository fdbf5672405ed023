#!/usr/bin/env bash
# Install the Debian packages the build, the private database and the tests
# need, when they are missing. As root it installs them; otherwise it prints
# the apt-get line to run and fails.
set -euo pipefail

packages=(
  build-essential meson ninja-build pkg-config python3
  libulfius-dev libjansson-dev libjwt-dev libpq-dev libcsv-dev libssl-dev libargon2-dev
  libmicrohttpd-dev liborcania-dev libunistring-dev
  libcriterion-dev libcurl4-gnutls-dev
  postgresql postgresql-client
  curl ca-certificates
)
# The contract tests run on Node.js; a machine that already has node and npm keeps them.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
# The browser test of the HTML reports drives Debian's Chromium; the
# deployment files are checked with docker-compose and nginx; the fuzz
# targets are built with clang and its libFuzzer runtime; the calendar feeds
# are read back by a real iCalendar parser (python3-icalendar).
[ "${1:-}" = "--test" ] && packages+=(chromium docker-compose nginx clang-14 libclang-rt-14-dev python3-icalendar)
[ "${1:-}" = "--bench" ] && packages+=(wrk postgresql-contrib bc nginx)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing packages. Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
