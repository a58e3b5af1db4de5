#!/usr/bin/env bash
# `npm run demo`: starts the local stack, commits a grid-search directive to
# a fresh copy of examples/monorepo and pushes it through flowpush, then
# shows what the run printed and where it lives.
#
# `npm run demo -- forecast` pushes the demand forecaster's grid instead: it
# trains on the stack's Dask cluster, logs every point to MLflow, and ends
# with the results table, best point marked, and the trace of the commit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"

case "${1:-prices}" in
prices)
  subject='Train the prices model on a small grid'
  directive='Flowpush-Run: prices/train {"b": [1, 2], "c": [2, 3]}'
  ;;
forecast)
  subject='Forecast demand over windows and penalties'
  directive='Flowpush-Run: demand/forecast window=24,48,168 alpha=1.0,1e3,1e5'
  ;;
*)
  echo "usage: npm run demo [-- forecast]" >&2
  exit 2
  ;;
esac

work=$(mktemp -d)/forecasting-monorepo
cp -r examples/monorepo "$work"
git -C "$work" init -q -b main
git -C "$work" add -A
git -C "$work" -c user.name="flowpush demo" -c user.email=demo@flowpush.invalid \
  commit -q -m "$subject

$directive"

echo "== the commit, in $work"
git -C "$work" log -1 --format='%h %s%n%n%b'

if [[ ${1:-prices} == forecast ]]; then
  export MLFLOW_TRACKING_URI=$FLOWPUSH_MLFLOW_URI
  echo "== flowpush push --wait"
  node build/cli/main.js push --repo "$work" --wait
  echo
  echo "== flowpush trace: what the commit became"
  node build/cli/main.js trace --repo "$work"
  exit
fi

echo "== flowpush push --wait"
node build/cli/main.js push --repo "$work" --wait | tee "$work.out"

echo
echo "== what the run's training tasks printed (a b c, one line per point)"
# Prefect ships a container's last log lines just after the run completes.
for _ in $(seq 30); do
  node build/cli/main.js logs --repo "$work" | grep -E '^[0-9]+ [0-9]+ [0-9]+$' | sort >"$work.lines" || true
  [[ $(wc -l <"$work.lines") -ge 4 ]] && break
  sleep 1
done
cat "$work.lines"
echo
echo "== where the run lives"
grep -E '^run ' "$work.out" | grep -oE 'https?://\S+'
