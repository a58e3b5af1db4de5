# Sourced by the demo and the test command: npm packages, the local stack,
# its environment, and a fresh build of the CLI. Each step is quick when
# already done, so a newcomer's first command and CI's every run are alike.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d node_modules ]] || npm ci --no-audit --no-fund
bash scripts/stack/up.sh
source "${FLOWPUSH_STACK_DIR:-$HOME/.cache/flowpush/stack}/env"
npm run --silent build
