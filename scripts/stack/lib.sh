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
start_detached() {
  local name=$1
  shift
  say "starting $name"
  setsid "$@" >>"$STACK_DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$STACK_DIR/run/$name.pid"
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
