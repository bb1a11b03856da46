#!/usr/bin/env bash
# Gets the observability stack's binaries for the end-to-end suite, once, cached outside the repo and
# keyed by version (and, for the collector, by the manifest's content):
#   collector  built with the OpenTelemetry Collector Builder from collector/builder-config.yaml
#   jaeger     Jaeger v2 (Go module github.com/jaegertracing/jaeger v1.76.0), built in a throwaway module
#   prometheus Prometheus 3 and promtool (Go module github.com/prometheus/prometheus v0.310.0 = v3.10.0, the
#              docker-compose.yml image), built without service discovery plugins: the cost panels need its
#              start-timestamp zero ingestion, which Debian's 2.42 lacks (see collector/README.md)
# Needs only Go and the Go module proxy; idempotent: a second run only prints the paths.
#
# Usage: install-stack.sh [collector|jaeger|prometheus|all]...   (default: all)
# Progress goes to stderr; stdout gets one `name=/absolute/path` line per binary, for the suite to read.
set -euo pipefail

OCB_VERSION=0.165.0
JAEGER_VERSION=1.76.0
PROMETHEUS_MODULE_VERSION=0.310.0
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
MANIFEST="$REPO_ROOT/collector/builder-config.yaml"
CACHE="${AIOTEL_STACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aiotel-stack}"
# Go builds share 2 cores with everything else on these machines: be nice.
NICE=(nice -n 10)

log() { echo "install-stack: $*" >&2; }
elapsed() { echo "$(($(date +%s) - $1))s"; }

# Runs "$@" and, while it runs, says every 30 s that it still does: the compile steps print nothing for minutes.
with_heartbeat() {
  local label="$1" started pid
  shift
  started=$(date +%s)
  "$@" &
  pid=$!
  while ! wait_for_exit "$pid" 30; do
    log "$label: still working ($(elapsed "$started"))"
  done
  wait "$pid"
}

# True once process $1 has exited, false after $2 seconds if it still runs.
wait_for_exit() {
  local pid="$1" seconds="$2" i
  for ((i = 0; i < seconds; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 1
  done
  ! kill -0 "$pid" 2>/dev/null
}

need_go() {
  command -v go >/dev/null || { log "Go is needed to build the collector and Jaeger (go.dev toolchain >= 1.26)"; exit 1; }
}

install_collector() {
  local key dir bin started
  key="$(sha256sum "$MANIFEST" | cut -c1-12)"
  dir="$CACHE/otelcol-$OCB_VERSION-$key"
  bin="$dir/otelcol-aiotel/otelcol-aiotel"
  if [ ! -x "$bin" ]; then
    need_go
    started=$(date +%s)
    log "building the collector from $MANIFEST into $dir (first time only; several minutes on 2 cores)"
    mkdir -p "$dir"
    if [ ! -x "$dir/bin/builder" ]; then
      log "collector: installing the builder go.opentelemetry.io/collector/cmd/builder@v$OCB_VERSION"
      GOBIN="$dir/bin" "${NICE[@]}" go install "go.opentelemetry.io/collector/cmd/builder@v$OCB_VERSION" >&2
    fi
    cp "$MANIFEST" "$dir/builder-config.yaml"
    # The builder resolves dist.output_path against its working directory.
    (cd "$dir" && with_heartbeat collector "${NICE[@]}" ./bin/builder --config builder-config.yaml >&2)
    [ -x "$bin" ] || { log "collector: the builder finished but $bin is missing"; exit 1; }
    log "collector: built in $(elapsed "$started")"
  fi
  echo "otelcol=$bin"
}

install_jaeger() {
  local dir bin started
  dir="$CACHE/jaeger-$JAEGER_VERSION"
  bin="$dir/jaeger"
  if [ ! -x "$bin" ]; then
    need_go
    started=$(date +%s)
    log "building Jaeger v2 (module v$JAEGER_VERSION) into $dir (first time only; several minutes on 2 cores)"
    mkdir -p "$dir/src"
    # `go install …@v1.76.0` refuses the module (it has replace directives): build it as a tool of a
    # throwaway module instead.
    (
      cd "$dir/src"
      [ -f go.mod ] || go mod init aiotel.local/jaeger-build >&2
      log "jaeger: fetching modules"
      with_heartbeat jaeger "${NICE[@]}" go get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@v$JAEGER_VERSION" >&2
      log "jaeger: compiling"
      with_heartbeat jaeger "${NICE[@]}" go build -o "$bin.tmp" github.com/jaegertracing/jaeger/cmd/jaeger >&2
      mv "$bin.tmp" "$bin"
    )
    log "jaeger: built in $(elapsed "$started")"
  fi
  echo "jaeger=$bin"
}

install_prometheus() {
  local dir started
  dir="$CACHE/prometheus-$PROMETHEUS_MODULE_VERSION"
  if [ ! -x "$dir/prometheus" ] || [ ! -x "$dir/promtool" ]; then
    need_go
    started=$(date +%s)
    log "building Prometheus (module v$PROMETHEUS_MODULE_VERSION) and promtool into $dir (first time only; several minutes on 2 cores)"
    mkdir -p "$dir/src"
    # Like Jaeger, the module has replace/exclude lines, so `go install` refuses it: build it as a tool of a
    # throwaway module. remove_all_sd leaves out the cloud service discoveries (static targets are all we use).
    (
      cd "$dir/src"
      [ -f go.mod ] || go mod init aiotel.local/prometheus-build >&2
      log "prometheus: fetching modules"
      with_heartbeat prometheus "${NICE[@]}" go get -tool \
        "github.com/prometheus/prometheus/cmd/prometheus@v$PROMETHEUS_MODULE_VERSION" \
        "github.com/prometheus/prometheus/cmd/promtool@v$PROMETHEUS_MODULE_VERSION" >&2
      for tool in prometheus promtool; do
        log "prometheus: compiling $tool"
        with_heartbeat prometheus "${NICE[@]}" go build -tags remove_all_sd -o "$dir/$tool.tmp" \
          "github.com/prometheus/prometheus/cmd/$tool" >&2
        mv "$dir/$tool.tmp" "$dir/$tool"
      done
    )
    log "prometheus: built in $(elapsed "$started")"
  fi
  echo "prometheus=$dir/prometheus"
  echo "promtool=$dir/promtool"
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(all)
for target in "${targets[@]}"; do
  case "$target" in
    collector) install_collector ;;
    jaeger) install_jaeger ;;
    prometheus) install_prometheus ;;
    all) install_prometheus; install_collector; install_jaeger ;;
    *) log "unknown component '$target' (collector, jaeger, prometheus or all)"; exit 2 ;;
  esac
done
