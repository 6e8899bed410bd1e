#!/usr/bin/env bash
# The main job: installs, builds, and runs a local demo swarm on this
# machine: the test origin and the tracker in a private network namespace,
# and three players joining a few seconds apart in namespaces of their own,
# each printing how many media bytes it took from the origin and from peers.
# Needs root (network namespaces).
set -euo pipefail
cd "$(dirname "$0")"
P2PCDN_SKIP_NPM=1 .ci/install-deps.sh
if [ ! -f build/build.ninja ]; then
  meson setup build
fi
ninja -C build
exec python3 tests/swarm/swarm_test.py --build build \
  --content-script tools/origin/make-content.sh --scenario three-players
