#!/usr/bin/env bash
# Install Redoc (from the lock file) whose standalone bundle the build
# embeds for /docs, when it is missing or older than the lock.
set -euo pipefail
cd "$(dirname "$0")/../docs"
if [ ! -f node_modules/redoc/bundles/redoc.standalone.js ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error --omit=dev
  touch node_modules
fi
