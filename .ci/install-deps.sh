#!/usr/bin/env bash
# Installs what gst-p2pcdn needs on a fresh Debian 12 machine (Debian's
# packages and, for the swarm tests, bittorrent-tracker from npm).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
$SUDO apt-get update -q
# shellcheck disable=SC2046
$SUDO apt-get install -y -q --no-install-recommends $(cat .ci/debian-packages.txt)
if [ "${P2PCDN_SKIP_NPM:-0}" != 1 ]; then
  # Node.js may come from elsewhere (its npm conflicts with Debian's).
  if ! command -v npm >/dev/null; then
    $SUDO apt-get install -y -q --no-install-recommends nodejs npm
  fi
  npm install --prefix tests/swarm/npm --ignore-scripts --no-audit --no-fund
fi
