#!/usr/bin/env bash
# Install the contract tools (Redocly's linter, ajv) from the lock file,
# when node_modules is missing or older than the lock.
set -euo pipefail
cd "$(dirname "$0")/../tests/contract"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules
fi
