#!/usr/bin/env bash
# Installs Debian's redis-server when it is missing (the shared-store tests start their own on a free loopback
# port; nothing is started here). Idempotent: a machine that has it is left alone.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  echo "redis: $(redis-server --version | cut -d' ' -f1-3)" >&2
  exit 0
fi
echo "redis: installing redis-server from Debian (apt-get install redis-server)" >&2
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >&2
"${sudo[@]}" apt-get install -y -qq --no-install-recommends redis-server >&2
# The package starts a system service; the tests do not use it.
"${sudo[@]}" systemctl disable --now redis-server >/dev/null 2>&1 || true
echo "redis: $(redis-server --version | cut -d' ' -f1-3)" >&2
