#!/usr/bin/env bash
# Stops what scripts/stack/up.sh started. Data (registry, Prefect database,
# venv, base image) stays, so the next `up` is quick.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for name in prefect-worker prefect-server registry dockerd; do
  if is_running "$name"; then
    say "stopping $name"
    kill -- "-$(cat "$STACK_DIR/run/$name.pid")" 2>/dev/null || kill "$(cat "$STACK_DIR/run/$name.pid")"
  fi
  rm -f "$STACK_DIR/run/$name.pid"
done
