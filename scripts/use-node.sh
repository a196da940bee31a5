# Source this file (bash): `source scripts/use-node.sh`.
#
# Puts a current Node.js first on PATH. jsii, projen and this library need
# Node.js 22 or newer (`engines` in package.json); when the machine's `node` is
# older (or missing), the pinned Node.js LTS below is taken from the npm
# registry's `node-linux-<arch>` package and unpacked into .tools/ once, without
# root. The machine's npm runs on it. Bump NODE_VERSION on purpose.
NODE_VERSION=24.22.3
NODE_MIN_MAJOR=22

_use_node_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_use_node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$_use_node_major" -lt "$NODE_MIN_MAJOR" ]; then
  case "$(uname -m)" in
    x86_64) _use_node_arch=x64 ;;
    aarch64 | arm64) _use_node_arch=arm64 ;;
    *) echo "use-node.sh: no Node.js package for $(uname -m); install Node.js $NODE_MIN_MAJOR+ yourself" >&2; return 1 ;;
  esac
  _use_node_dir="$_use_node_root/.tools/node-v$NODE_VERSION-linux-$_use_node_arch"
  if [ ! -x "$_use_node_dir/bin/node" ]; then
    echo "use-node.sh: node $(node --version 2>/dev/null || echo '(none)') is older than $NODE_MIN_MAJOR; installing Node.js $NODE_VERSION into ${_use_node_dir#"$_use_node_root"/}"
    _use_node_tmp="$(mktemp -d)"
    (cd "$_use_node_tmp" && npm pack --silent "node-linux-$_use_node_arch@$NODE_VERSION" >/dev/null) || { rm -rf "$_use_node_tmp"; return 1; }
    mkdir -p "$_use_node_dir"
    tar -xzf "$_use_node_tmp"/node-linux-*.tgz -C "$_use_node_dir" --strip-components=1 package/bin package/LICENSE
    rm -rf "$_use_node_tmp"
  fi
  export PATH="$_use_node_dir/bin:$PATH"
fi
echo "node $(node --version) ($(command -v node)), npm $(npm --version)"
unset _use_node_root _use_node_major _use_node_arch _use_node_dir _use_node_tmp
