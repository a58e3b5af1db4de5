#!/usr/bin/env bash
# `npm test`: every test of the project, on the real local stack. Starts
# what is missing (scripts/stack/up.sh is idempotent), so it works on a new
# machine and in CI alike.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

[[ -d node_modules ]] || npm ci --no-audit --no-fund
bash scripts/stack/up.sh
source "${FLOWPUSH_STACK_DIR:-$HOME/.cache/flowpush/stack}/env"

npm run --silent build
npm run --silent typecheck
npm run --silent lint
npx vitest run
"$FLOWPUSH_PYTHON" -m pytest runtime/tests -q
