#!/usr/bin/env bash
# Installs (where missing) and starts the local stack flowpush runs against:
# Docker engine, an htpasswd-protected registry, a Prefect 3 server with a
# Docker work pool and worker, an MLflow tracking server, and a Dask
# scheduler with two workers. Safe to run again: each step checks first, and
# only what is not running (or runs with other settings) is started.
#
# Writes $STACK_DIR/env, which exports what the flowpush CLI needs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v htpasswd >/dev/null || missing+=(apache2-utils)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v curl >/dev/null || missing+=(curl)
  ((${#missing[@]} == 0)) && return
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Brings a venv to a requirements file; a copy of the file is the stamp
# that makes the next run skip it. Services that run from the venv lose
# their recorded command line, so ensure_running restarts them on the new
# packages.
sync_venv() {
  local venv=$1 requirements=$2 services=$3
  shift 3
  local stamp=$venv/.requirements
  [[ -f $stamp ]] && cmp -s "$stamp" "$requirements" && return
  say "installing $(basename "$requirements") into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$requirements" "$@"
  cp "$requirements" "$stamp"
  for name in $services; do
    rm -f "$STACK_DIR/run/$name.cmd"
  done
}

install_venvs() {
  sync_venv "$VENV" "$STACK_SCRIPTS/requirements.txt" \
    "prefect-server prefect-worker dask-scheduler dask-workers" \
    -e "$REPO_ROOT/runtime"
  sync_venv "$MLFLOW_VENV" "$STACK_SCRIPTS/mlflow-requirements.txt" \
    mlflow-server
}

start_docker() {
  docker info >/dev/null 2>&1 && return
  # No bridge and no iptables: this machine has no network of its own for
  # containers, so builds and containers use the host's (loopback only).
  start_detached dockerd dockerd --bridge=none --iptables=false \
    --ip-masq=false --host=unix:///var/run/docker.sock
  wait_until "Docker engine" 60 docker info
}

# No public image registry is reachable here, so the Python base image is
# made from Debian's packages. The host's extra certificate authorities go
# in as well, so that pip inside builds trusts what the host trusts.
build_base_image() {
  docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 && return
  local tarball=$STACK_DIR/base-rootfs.tar
  if [[ ! -f $tarball ]]; then
    say "debootstrapping the base image (a few minutes, once per machine)"
    local rootfs=$STACK_DIR/rootfs
    rm -rf "$rootfs"
    debootstrap --variant=minbase \
      --include=python3,python3-venv,ca-certificates \
      bookworm "$rootfs" http://deb.debian.org/debian \
      >>"$STACK_DIR/logs/debootstrap.log" 2>&1
    if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
      cp /usr/local/share/ca-certificates/*.crt \
        "$rootfs/usr/local/share/ca-certificates/"
      chroot "$rootfs" update-ca-certificates >/dev/null
    fi
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
    tar -C "$rootfs" -cf "$tarball.partial" .
    mv "$tarball.partial" "$tarball"
    rm -rf "$rootfs"
  fi
  say "importing $BASE_IMAGE"
  local bundle=/etc/ssl/certs/ca-certificates.crt
  docker import \
    --change "ENV PIP_CERT=$bundle SSL_CERT_FILE=$bundle PYTHONUNBUFFERED=1" \
    --change 'CMD ["python3"]' \
    "$tarball" "$BASE_IMAGE" >/dev/null
}

# The stand-in for node:20-bookworm-slim that the tool's own Dockerfile is
# tested with: the Debian base plus this machine's Node and npm.
build_node_image() {
  docker image inspect "$NODE_IMAGE" >/dev/null 2>&1 && return
  say "building $NODE_IMAGE from this machine's Node $(node --version)"
  local ctx
  ctx=$(mktemp -d)
  cp "$(readlink -f "$(command -v node)")" "$ctx/node"
  cp -r "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$ctx/npm"
  printf '%s\n' \
    "FROM $BASE_IMAGE" \
    "RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libstdc++6 git && rm -rf /var/lib/apt/lists/*" \
    "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" \
    "COPY node /usr/local/bin/node" \
    "COPY npm /usr/local/lib/node_modules/npm" \
    "RUN ln -s /usr/local/lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm" \
    >"$ctx/Dockerfile"
  docker build -q --network host -t "$NODE_IMAGE" "$ctx" \
    >/dev/null 2>>"$STACK_DIR/logs/node-image.log"
  rm -rf "$ctx"
}

# actionlint checks the GitHub workflow recipe; it comes from the Go proxy.
install_tools() {
  [[ -x $STACK_DIR/bin/actionlint ]] && return
  if ! command -v go >/dev/null; then
    say "no Go toolchain: the workflow recipe will not be linted"
    return
  fi
  say "installing actionlint"
  GOBIN=$STACK_DIR/bin go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.7 \
    2>>"$STACK_DIR/logs/go.log"
}

start_registry() {
  local dir=$STACK_DIR/registry
  mkdir -p "$dir/data"
  if [[ ! -f $dir/password ]]; then
    head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$dir/password"
    htpasswd -Bbc "$dir/htpasswd" flowpush "$(cat "$dir/password")" 2>/dev/null
  fi
  cat >"$dir/config.yml" <<EOF
version: 0.1
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: $REGISTRY_ADDRESS
auth:
  htpasswd:
    realm: flowpush-local
    path: $dir/htpasswd
EOF
  # The Docker worker pulls flow images with the credentials in this config.
  local auth
  auth=$(printf 'flowpush:%s' "$(cat "$dir/password")" | base64 -w0)
  mkdir -p "$STACK_DIR/docker-config"
  printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$REGISTRY_ADDRESS" "$auth" \
    >"$STACK_DIR/docker-config/config.json"

  ensure_running registry docker-registry serve "$dir/config.yml"
  wait_until "registry" 30 registry_answers
}

registry_answers() {
  [[ $(http_status "http://$REGISTRY_ADDRESS/v2/") == 401 ]]
}

PREFECT_ENV=(env PREFECT_HOME="$STACK_DIR/prefect" PREFECT_API_URL="$PREFECT_URL"
  PREFECT_SERVER_ANALYTICS_ENABLED=false)
# The Docker worker hands the settings it was given to every flow container,
# where a PREFECT_HOME under this machine's stack directory cannot be made
# (each run would warn about it). The worker keeps Prefect's default home.
WORKER_ENV=(env PREFECT_API_URL="$PREFECT_URL")

start_prefect() {
  ensure_running prefect-server "${PREFECT_ENV[@]}" "$VENV/bin/prefect" server start \
    --host 127.0.0.1 --port "$PREFECT_PORT"
  wait_until "Prefect server" 120 curl -sf "$PREFECT_URL/health"
}

# The pool's default network mode is the host's: flow containers reach the
# Prefect API on loopback, and there is no bridge network to join anyway.
create_work_pool() {
  [[ $(http_status "$PREFECT_URL/work_pools/$WORK_POOL") == 200 ]] && return
  local template=$STACK_DIR/work-pool-template.json
  "${PREFECT_ENV[@]}" "$VENV/bin/prefect" work-pool get-default-base-job-template \
    --type docker | "$VENV/bin/python" -c '
import json, sys
template = json.load(sys.stdin)
template["variables"]["properties"]["network_mode"]["default"] = "host"
json.dump(template, sys.stdout)' >"$template"
  "${PREFECT_ENV[@]}" "$VENV/bin/prefect" work-pool create "$WORK_POOL" --type docker \
    --base-job-template "$template" --overwrite >/dev/null
}

# --limit caps the flow runs (containers) the worker has going at once: a
# test that submits 200 runs would otherwise start 200 containers on a
# two-core machine. The rest wait as Scheduled/Pending until a slot frees.
start_worker() {
  ensure_running prefect-worker "${WORKER_ENV[@]}" \
    DOCKER_CONFIG="$STACK_DIR/docker-config" PREFECT_WORKER_QUERY_SECONDS=2 \
    "$VENV/bin/prefect" worker start --pool "$WORK_POOL" --type docker \
    --name flowpush-local-worker --limit "${FLOWPUSH_WORKER_LIMIT:-4}"
}

# MLflow 3 checks the Host header (DNS-rebinding guard) and blocks
# cross-origin writes. Its defaults allow localhost and 127.0.0.1 on any
# port, which covers this machine's clients and flow containers on the host
# network (all call http://127.0.0.1:$MLFLOW_PORT, no Origin header), so no
# --allowed-hosts is passed. Job execution is off: it serves GenAI scorers,
# which flowpush does not use, and would add a job runner on two cores.
start_mlflow() {
  local dir=$STACK_DIR/mlflow
  mkdir -p "$dir/artifacts"
  ensure_running mlflow-server env MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false \
    "$MLFLOW_VENV/bin/mlflow" server --host 127.0.0.1 --port "$MLFLOW_PORT" \
    --workers 2 --backend-store-uri "sqlite:///$dir/mlflow.db" \
    --serve-artifacts --artifacts-destination "$dir/artifacts"
  # The first start migrates the database, which takes a while.
  wait_until "MLflow server" 180 curl -sf "$MLFLOW_URL/health"
}

# The Dask cluster runs from the main venv, next to Prefect and the
# runtime, so tasks unpickle the same code that flows send. Workers report
# task runs to Prefect and log to MLflow, hence the two variables; neither
# is exported to the shell, where it would redirect the user's own work.
#
# Task counts over HTTP, without bokeh (distributed serves these itself):
# - $DASK_HTTP/json/counts.json is the scheduler's state now: {"workers": 2,
#   "tasks": 6, "processing": 4, "memory": 0, "erred": 0, "waiting": 0,
#   "idle": 0, "clients": 1, ...}. Tasks leave it when their results are
#   released, so it reads 0 again once a flow run is over.
# - $DASK_HTTP/metrics (Prometheus text) counts since the scheduler started,
#   per task name: dask_scheduler_prefix_state_totals_total{state="memory",
#   task_prefix_name="train_point"} 4.0 means four runs of a Prefect task
#   `train_point` finished; other states (processing, erred, ...) appear
#   once reached. Compare readings before and after, not absolute values.
start_dask() {
  if ! is_running dask-scheduler && [[ $(http_status "$DASK_HTTP/") != 000 ]]; then
    # The scheduler would take another port with only a warning, and 8787 is
    # the default dashboard port of every LocalCluster.
    die "something else answers on $DASK_HTTP (a LocalCluster's dashboard?); stop it or set FLOWPUSH_DASK_HTTP_PORT"
  fi
  local scheduler_pid
  scheduler_pid=$(cat "$STACK_DIR/run/dask-scheduler.pid" 2>/dev/null || true)
  ensure_running dask-scheduler "$VENV/bin/dask" scheduler --host 127.0.0.1 \
    --port "${DASK_ADDRESS##*:}" --dashboard-address "${DASK_HTTP#http://}"
  wait_until "Dask scheduler" 60 dask_answers 0
  # Workers lose a restarted scheduler and shut down a little later: do not
  # let the check below find them still alive and keep them.
  if [[ $(cat "$STACK_DIR/run/dask-scheduler.pid") != "$scheduler_pid" ]] &&
    is_running dask-workers; then
    stop_service dask-workers
  fi

  ensure_running dask-workers "${PREFECT_ENV[@]}" MLFLOW_TRACKING_URI="$MLFLOW_URL" \
    "$VENV/bin/dask" worker "$DASK_ADDRESS" --host 127.0.0.1 \
    --nworkers 2 --nthreads 1 --dashboard-address 127.0.0.1:0 \
    --local-directory "$STACK_DIR/dask"
  wait_until "Dask workers" 60 dask_answers 2
}

# Succeeds when this stack's scheduler answers on $DASK_HTTP with at least
# the given number of workers.
dask_answers() {
  curl -sf --max-time 5 "$DASK_HTTP/json/identity.json" | "$VENV/bin/python" -c '
import json, sys
identity = json.load(sys.stdin)
sys.exit(identity["address"] != sys.argv[1] or identity["n_workers"] < int(sys.argv[2]))
' "$DASK_ADDRESS" "$1"
}

write_env() {
  cat >"$STACK_DIR/env" <<EOF
export FLOWPUSH_STACK_DIR='$STACK_DIR'
export PREFECT_API_URL='$PREFECT_URL'
export FLOWPUSH_REGISTRY='$REGISTRY_ADDRESS'
export FLOWPUSH_REGISTRY_USERNAME='flowpush'
export FLOWPUSH_REGISTRY_PASSWORD='$(cat "$STACK_DIR/registry/password")'
export FLOWPUSH_WORK_POOL='$WORK_POOL'
export FLOWPUSH_BASE_IMAGE='$BASE_IMAGE'
export FLOWPUSH_PYTHON='$VENV/bin/python'
export FLOWPUSH_NODE_IMAGE='$NODE_IMAGE'
export FLOWPUSH_ACTIONLINT='$STACK_DIR/bin/actionlint'
export FLOWPUSH_MLFLOW_URI='$MLFLOW_URL'
export FLOWPUSH_DASK_ADDRESS='$DASK_ADDRESS'
export FLOWPUSH_DASK_HTTP='$DASK_HTTP'
EOF
}

install_packages
install_venvs
start_docker
build_base_image
build_node_image
install_tools
start_registry
start_prefect
create_work_pool
start_worker
start_mlflow
start_dask
write_env
say "ready: source $STACK_DIR/env"
