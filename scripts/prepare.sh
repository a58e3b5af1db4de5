# Sourced by the demo and the test command: npm packages, the local stack,
# its environment, and fresh builds of the CLI and the Azure task. Each step
# is quick when already done, so a newcomer's first command and CI's every
# run are alike.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d node_modules ]] || npm ci --no-audit --no-fund
bash scripts/stack/up.sh
source "${FLOWPUSH_STACK_DIR:-$HOME/.cache/flowpush/stack}/env"
npm run --silent build
# The Azure task's bundle, which its tests run as the agent would. (The
# Action's bundle is committed, and a test checks it is current.)
node scripts/bundle.mjs azure
