#!/usr/bin/env bash
# Stops what scripts/stack/up.sh started. Data (registry, Prefect and MLflow
# databases, venvs, base image) stays, so the next `up` is quick.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Clients first: the Dask workers and the Prefect worker report to servers
# that are still up while they shut down.
for name in dask-workers dask-scheduler prefect-worker mlflow-server \
  prefect-server registry dockerd; do
  if is_running "$name"; then
    stop_service "$name"
  fi
  rm -f "$STACK_DIR/run/$name.pid" "$STACK_DIR/run/$name.cmd"
done
