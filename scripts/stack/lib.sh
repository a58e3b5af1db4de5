# Shared settings and helpers for the local stack scripts. Sourced, not run.
#
# Everything the stack keeps between runs lives in one folder, so a second
# `up` on the same machine reuses the venv, the base image and the registry
# data instead of fetching them again.

STACK_DIR=${FLOWPUSH_STACK_DIR:-$HOME/.cache/flowpush/stack}
STACK_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$STACK_SCRIPTS/../.." && pwd)

REGISTRY_ADDRESS=127.0.0.1:${FLOWPUSH_REGISTRY_PORT:-5000}
PREFECT_PORT=${FLOWPUSH_PREFECT_PORT:-4200}
PREFECT_URL=http://127.0.0.1:$PREFECT_PORT/api
WORK_POOL=${FLOWPUSH_WORK_POOL:-flowpush-local}
BASE_IMAGE=flowpush-local/python:3.11
NODE_IMAGE=flowpush-local/node:20
VENV=$STACK_DIR/venv

# MLflow has a venv of its own: its server pins web and database libraries
# that need not agree with Prefect's. The main venv has only mlflow-skinny.
MLFLOW_VENV=$STACK_DIR/mlflow-venv
MLFLOW_PORT=${FLOWPUSH_MLFLOW_PORT:-5050}
MLFLOW_URL=http://127.0.0.1:$MLFLOW_PORT
DASK_ADDRESS=tcp://127.0.0.1:${FLOWPUSH_DASK_PORT:-8786}
DASK_HTTP=http://127.0.0.1:${FLOWPUSH_DASK_HTTP_PORT:-8787}

mkdir -p "$STACK_DIR/logs" "$STACK_DIR/run"

say() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

# Succeeds when the process recorded in run/<name>.pid is still alive. A pid
# file left behind by a machine that was stopped counts as not running.
is_running() {
  local pidfile=$STACK_DIR/run/$1.pid
  [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# Starts a command detached from this shell, logging to logs/<name>.log.
# The command line is kept in run/<name>.cmd for ensure_running.
start_detached() {
  local name=$1
  shift
  say "starting $name"
  setsid "$@" >>"$STACK_DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$STACK_DIR/run/$name.pid"
  printf '%q ' "$@" >"$STACK_DIR/run/$name.cmd"
}

# Starts the command unless it already runs with exactly this command line.
# A changed line (a new flag, port or variable) restarts it, so a stack that
# was started by an older up.sh picks up what this one asks for.
ensure_running() {
  local name=$1
  shift
  if is_running "$name"; then
    [[ $(cat "$STACK_DIR/run/$name.cmd" 2>/dev/null) == "$(printf '%q ' "$@")" ]] &&
      return
    say "$name runs with other settings"
    stop_service "$name"
  fi
  start_detached "$name" "$@"
}

# Each service runs in a session of its own (setsid), so its pid is also its
# process group: signalling the group reaches the children it started (the
# MLflow server's uvicorn workers, the Dask nannies and their workers).
stop_service() {
  local name=$1 pid
  pid=$(cat "$STACK_DIR/run/$name.pid")
  say "stopping $name"
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 20); do
    kill -0 -- "-$pid" 2>/dev/null || break
    sleep 0.5
  done
  # The Prefect worker can sit out SIGTERM while it polls; do not wait on it.
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$STACK_DIR/run/$name.pid" "$STACK_DIR/run/$name.cmd"
}

# Polls until the command succeeds, or fails after the given seconds.
wait_until() {
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$what did not come up in ${seconds}s (logs: $STACK_DIR/logs)"
    sleep 1
  done
}

http_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1"
}
