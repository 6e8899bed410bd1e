#!/bin/bash
# gst-p2pcdn: data channel vs plain TCP benchmark between two network namespaces.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage, as root:  tools/bench-datachannel/run.sh [path/to/bench-datachannel]
#
# Creates namespaces p2pbench-a (10.77.0.1, sender) and p2pbench-b
# (10.77.0.2, receiver) joined by a veth pair; the addresses exist only
# inside them, and both are deleted on any exit.  Runs (a) unshaped and
# (b) with both veth ends shaped by tbf to 20 Mbit/s, for several message
# sizes and buffer marks, and (c) plain TCP on the same link as baseline.
# Environment: BYTES (unshaped, default 200 MiB), SHAPED_BYTES (25 MiB),
# REPEAT (runs per configuration, default 1).
set -eu

BIN=${1:-build/tests/transport/bench-datachannel}
BYTES=${BYTES:-209715200}
SHAPED_BYTES=${SHAPED_BYTES:-26214400}
REPEAT=${REPEAT:-1}
NSA=p2pbench-a
NSB=p2pbench-b
RESULTS=$(mktemp)

if [ "$(id -u)" != 0 ]; then
  echo "run.sh: needs root (network namespaces, tc)" >&2
  exit 2
fi
if [ ! -x "$BIN" ]; then
  echo "run.sh: $BIN is not an executable; pass the path of bench-datachannel" >&2
  exit 2
fi

cleanup () {
  ip netns del "$NSA" 2>/dev/null || true
  ip netns del "$NSB" 2>/dev/null || true
  rm -f "$RESULTS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
cleanup

ip netns add "$NSA"
ip netns add "$NSB"
# Not "veth*": libnice skips interfaces named like that (and docker*, virbr*).
ip link add p2pa0 netns "$NSA" type veth peer name p2pb0 netns "$NSB"
ip -n "$NSA" addr add 10.77.0.1/24 dev p2pa0
ip -n "$NSB" addr add 10.77.0.2/24 dev p2pb0
for ns in "$NSA" "$NSB"; do
  ip -n "$ns" link set lo up
done
ip -n "$NSA" link set p2pa0 up
ip -n "$NSB" link set p2pb0 up

# run LABEL ARGS...: one receiver in B, one sender in A; prints the
# sender's figure line prefixed with LABEL.
run () {
  local label=$1 out i
  shift
  for i in $(seq "$REPEAT"); do
    ip netns exec "$NSB" "$BIN" --recv --listen 10.77.0.2:7700 &
    local rpid=$!
    if out=$(ip netns exec "$NSA" "$BIN" --send --peer 10.77.0.2:7700 "$@"); then
      echo "$label $out" | tee -a "$RESULTS"
    else
      echo "$label FAILED" >&2
    fi
    wait "$rpid" || true
  done
}

# series TAG BYTES: every configuration on the current link.
series () {
  local tag=$1 bytes=$2
  run "$tag tcp" --tcp --bytes "$bytes" --msg-size 65536
  for cfg in "16384 1048576 262144" "65536 1048576 262144" \
      "65536 262144 65536" "65536 4194304 1048576" "16384 262144 65536"; do
    set -- $cfg
    run "$tag webrtc m=$1 h=$2 l=$3" --bytes "$bytes" --msg-size "$1" \
        --high "$2" --low "$3"
  done
}

# Medians per configuration, and the ratio to TCP on the same link.
summary () {
  awk '
    function val(name,   i, kv) {
      for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] }
      return ""
    }
    function median(list,   a, n, t, i, j) {
      n = split(list, a, " ")
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
        if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    {
      label = substr($0, 1, index($0, " mode=") - 1)
      sub(/ +$/, "", label)
      if (!(label in seen)) { seen[label] = 1; order[++n] = label }
      g[label] = g[label] " " val("goodput_Mbps")
      s[label] = s[label] " " val("setup_ms")
      cs[label] = cs[label] " " val("send_cpu_ms_per_MB")
      cr[label] = cr[label] " " val("recv_cpu_ms_per_MB")
    }
    END {
      printf "%-42s %8s %7s %7s %9s %7s %7s\n", "configuration (median of runs)", \
          "Mbit/s", "vs tcp", "of 20M", "setup ms", "cpu tx", "cpu rx"
      for (i = 1; i <= n; i++) {
        l = order[i]; split(l, w, " ")
        tcp = median(g[w[1] " tcp"]); gm = median(g[l])
        printf "%-42s %8.1f %7.2f %7s %9.1f %7.1f %7.1f\n", l, gm, gm / tcp, \
            w[1] == "shaped" ? sprintf("%.0f%%", gm / 20 * 100) : "-", \
            median(s[l]), median(cs[l]), median(cr[l])
      }
      print "(cpu = ms of process CPU per MB transferred, sender / receiver)"
    }' "$RESULTS"
}

echo "# unshaped veth, $BYTES bytes per run"
series unshaped "$BYTES"

echo "# veth shaped: tbf rate 20mbit burst 32kbit latency 50ms (both ends), $SHAPED_BYTES bytes"
for dev in "$NSA p2pa0" "$NSB p2pb0"; do
  set -- $dev
  ip netns exec "$1" tc qdisc add dev "$2" root tbf rate 20mbit burst 32kbit \
      latency 50ms
done
series shaped "$SHAPED_BYTES"
echo "# summary"
summary
