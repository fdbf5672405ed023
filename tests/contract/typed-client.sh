#!/usr/bin/env bash
# typed-client.sh — generates a TypeScript client from the contract with
# openapi-typescript, as a front-end would, and type-checks
# typed-client/scenario.ts against it (tsc --strict): every list answers
# JSON alone, and a page's fields are reached as the contract names them.
# Usage: typed-client.sh [OPENAPI_YAML]. Needs `npm ci` in this folder first.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
spec="$(realpath "${1:-$here/../../openapi.yaml}")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$here"
npx --no-install openapi-typescript "$spec" --output "$work/api.ts" --silent
cp typed-client/scenario.ts "$work/scenario.ts"
npx --no-install tsc --strict --noEmit --target es2022 --module es2022 --moduleResolution bundler \
  "$work/scenario.ts"
echo "typed-client.sh: a client generated from the contract type-checks; every list answers JSON alone"
