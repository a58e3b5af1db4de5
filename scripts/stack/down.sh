#!/usr/bin/env bash
# Stops what scripts/stack/up.sh started. Data (registry, Prefect database,
# venv, base image) stays, so the next `up` is quick.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Each service runs in a session of its own (setsid), so its pid is also its
# process group: signalling the group reaches the children it started.
stop() {
  local name=$1 pid
  pid=$(cat "$STACK_DIR/run/$name.pid")
  say "stopping $name"
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 20); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  # The Prefect worker can sit out SIGTERM while it polls; do not wait on it.
  kill -KILL -- "-$pid" 2>/dev/null || true
}

for name in prefect-worker prefect-server registry dockerd; do
  is_running "$name" && stop "$name"
  rm -f "$STACK_DIR/run/$name.pid"
done
