#!/usr/bin/env bash
# Fails when the committed libs/api-contract/src/generated differs from what `npm run generate`
# makes of proto/ now (someone changed a .proto, buf.gen.yaml or ts-proto without regenerating).
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
npx buf generate --output "$out"
if ! diff -ru libs/api-contract/src/generated "$out/libs/api-contract/src/generated"; then
  echo 'libs/api-contract/src/generated is stale: run `npm run generate` and commit the result' >&2
  exit 1
fi
echo 'generated code is up to date'
