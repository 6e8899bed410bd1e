#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each for a while
# on its seed corpus: a smoke run for CI, not a replacement for long runs.
# usage: tests/run-fuzzers.sh [SECONDS_PER_TARGET] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
builddir=${2:-build-fuzz}
if [ ! -f "$builddir/build.ninja" ]; then
  CC=clang meson setup "$builddir" -Dfuzzing=true -Dwerror=true
fi
# Only the fuzz targets and their seed corpora: the rest of the tree is built
# and tested by run-tests.sh, and a full clang build costs CI minutes.
mapfile -t targets < <(cd "$builddir" && meson introspect --targets | python3 -c '
import json, os, sys
for t in json.load(sys.stdin):
    if t["name"].startswith("fuzz-"):
        print(os.path.relpath(t["filename"][0]))')
ninja -C "$builddir" "${targets[@]}"
status=0
while IFS= read -r target; do
  name=$(basename "$target")
  corpus="$builddir/fuzz-run/$name"
  rm -rf "$corpus"
  mkdir -p "$corpus"
  seeds=()
  for d in "$target-corpus" "$(dirname "$target")/$name-corpus" \
           "tests/$(basename "$(dirname "$target")")/$name-seeds"; do
    [ -d "$d" ] && seeds+=("$d")
  done
  echo "== $name ($seconds s)"
  if ! "$target" -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 \
       "$corpus" "${seeds[@]}" > "$corpus.log" 2>&1; then
    tail -40 "$corpus.log"
    status=1
  else
    grep -E "^stat::number_of_executed_units|^Done" "$corpus.log" | tr '\n' ' '
    echo
  fi
  rm -rf "$corpus" "$corpus.log"
done < <(find "$builddir/tests" -maxdepth 2 -type f -executable -name 'fuzz-*' | sort)
exit $status
