#!/usr/bin/env bash
# lint.sh — lints the OpenAPI contract with Redocly's `recommended` rules
# (tests/contract/redocly.yaml). Usage: lint.sh [OPENAPI_YAML]
# Default: ../../openapi.yaml relative to this script. Needs `npm ci` in
# this folder first. Exit status is Redocly's: non-zero on any error.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
spec="$(realpath "${1:-$here/../../openapi.yaml}")"

# No telemetry, no update check: CI has no network but the package registries.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true

cd "$here"
exec npx --no-install redocly lint --config=redocly.yaml --format=stylish "$spec"
