#!/usr/bin/env bash
# `npm test`: every test of the project, on the real local stack. Starts
# what is missing (scripts/stack/up.sh is idempotent), so it works on a new
# machine and in CI alike.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"

npm run --silent typecheck
npm run --silent lint
"$(dirname "$FLOWPUSH_PYTHON")/ruff" check --quiet .
"$(dirname "$FLOWPUSH_PYTHON")/ruff" format --check --quiet .
npx vitest run
"$FLOWPUSH_PYTHON" -m pytest runtime/tests -q
