#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine, then runs what was asked:
#   bash build/bootstrap.sh start   # install, then open the workstation with the sample study
#   bash build/bootstrap.sh test    # install, then run every test suite
#   bash build/bootstrap.sh         # install only
# Idempotent: a second run only checks and goes on.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[bootstrap] %s\n' "$*" >&2; }

install_debian_packages() {
  local wanted missing=()
  mapfile -t wanted < <(grep -vE '^\s*(#|$)' build/debian-packages.txt)
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages (run as root to install): ${missing[*]}"
    return 1
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

install_node_packages() {
  # The Electron and ONNX Runtime CUDA downloads come from hosts outside the npm registry; skip them
  # during the install and try them once afterwards, so an offline machine still installs.
  export ELECTRON_SKIP_BINARY_DOWNLOAD=1 ONNXRUNTIME_NODE_INSTALL=skip
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log 'installing npm packages'
    npm ci --no-fund --no-audit --loglevel=error
  fi
  if [ ! -f node_modules/electron/path.txt ] && [ ! -f .cache/electron-download-tried ]; then
    mkdir -p .cache && touch .cache/electron-download-tried
    if (unset ELECTRON_SKIP_BINARY_DOWNLOAD; timeout 60 node node_modules/electron/install.js) >/dev/null 2>&1; then
      log 'Electron binary installed'
    else
      log 'Electron binary not downloadable here; the workstation opens in Chromium app mode instead'
    fi
  fi
}

install_debian_packages
install_node_packages

case "${1:-}" in
  start) shift; exec npm start -- "$@" ;;
  test) shift; exec npm test -- "$@" ;;
  '') log 'installed' ;;
  *) log "unknown action '$1' (start | test)"; exit 2 ;;
esac
