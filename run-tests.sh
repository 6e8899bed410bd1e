#!/usr/bin/env bash
# Builds gst-p2pcdn and runs every test (the README's test command).
# Assumes the packages of .ci/debian-packages.txt are installed.
set -euo pipefail
cd "$(dirname "$0")"
builddir=${P2PCDN_BUILD_DIR:-build}
if [ ! -f "$builddir/build.ninja" ]; then
  # shellcheck disable=SC2086
  meson setup "$builddir" ${P2PCDN_MESON_ARGS:-}
fi
ninja -C "$builddir"
# GStreamer and GLib keep process-lifetime allocations: leak checking is for
# the fuzz targets, not for whole pipelines.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
meson test -C "$builddir" --print-errorlogs --num-processes 2 "$@" || status=$?
# One plain closing line: "N passed, N failed, N skipped".
python3 - "$builddir/meson-logs/testlog.json" <<'PY'
import json, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0}
for line in open(sys.argv[1]):
    r = json.loads(line).get("result", "")
    key = "OK" if r in ("OK", "EXPECTEDFAIL") else "SKIP" if r == "SKIP" else "FAIL"
    counts[key] += 1
print("%d passed, %d failed, %d skipped" % (counts["OK"], counts["FAIL"], counts["SKIP"]))
PY
exit $status
