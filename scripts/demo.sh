#!/usr/bin/env bash
# `npm run demo`: starts the local stack, commits a grid-search directive to
# a fresh copy of examples/monorepo and pushes it through flowpush, then
# shows what the run printed and where it lives.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"

work=$(mktemp -d)/prices-monorepo
cp -r examples/monorepo "$work"
git -C "$work" init -q -b main
git -C "$work" add -A
git -C "$work" -c user.name="flowpush demo" -c user.email=demo@flowpush.invalid \
  commit -q -m 'Train the prices model on a small grid

Flowpush-Run: prices/train {"b": [1, 2], "c": [2, 3]}'

echo "== the commit, in $work"
git -C "$work" log -1 --format='%h %s%n%n%b'

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
