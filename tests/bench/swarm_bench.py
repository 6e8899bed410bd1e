#!/usr/bin/env python3
# gst-p2pcdn: swarm benchmark (issue 9).
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# For each scenario, the same players on the same shaped network play the
# same stream twice: HTTP only (--no-p2p), then as a swarm.  A hub namespace
# holds the test origin and a tracker; N player namespaces hang off its
# bridge by veth pairs, each uplink shaped by tbf on the player's veth end,
# each downlink by tbf on the hub's end.  Real p2pcdn-play processes play in
# real time (--sync) and report startup, stalls, a 1 s series, CPU and RSS;
# the origin's request log says what it served to whom.
#
# Writes OUT/results.json, OUT/SCENARIO.svg, and every process's output under
# OUT/SCENARIO/MODE-runK/.  Exit: 0, 1 if a player crashed or printed a GLib
# CRITICAL/WARNING, 2 usage, 77 skip (not root, no ip/tc).

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRC, "tests", "swarm"))

import bench_metrics  # noqa: E402
import bench_report  # noqa: E402
import bench_run  # noqa: E402
import bench_scenarios  # noqa: E402
from netns import Net  # noqa: E402

SKIP = 77


class Config:
    def __init__(self, args, out):
        self.build = os.path.abspath(args.build)
        self.content = args.content
        self.uplink = args.uplink
        self.downlink = args.downlink
        self.tracker = args.tracker
        self.node_modules = args.node_modules
        self.tracker_script = os.path.join(SRC, "tests", "swarm",
                                           "bittorrent-tracker-server.mjs")
        env = dict(os.environ)
        env["GST_PLUGIN_PATH"] = os.path.join(self.build, "gst")
        # one registry, built once before the players start (a registry
        # scan in every player at once would show up as startup and CPU)
        env["GST_REGISTRY"] = os.path.join(out, "registry.bin")
        env["GST_REGISTRY_FORK"] = "no"
        env.setdefault("GST_DEBUG", "*:1,p2pcdn*:2")
        env["GST_DEBUG_NO_COLOR"] = "1"
        env.pop("G_MESSAGES_DEBUG", None)
        # e.g. P2PCDN_PLAYER_DEBUG=p2pcdn-scheduler,p2pcdn-swarm to see every
        # decision (DEBUG level, in each player's stderr file)
        if os.environ.get("P2PCDN_PLAYER_DEBUG"):
            env["GST_DEBUG"] += "".join(
                ",%s:5" % c for c in os.environ["P2PCDN_PLAYER_DEBUG"].split(","))
        env.pop("G_DEBUG", None)       # count criticals, do not abort on them
        self.env = env


def parse_args():
    ap = argparse.ArgumentParser(description="gst-p2pcdn swarm benchmark: "
                                 "HTTP-only vs swarm, per scenario")
    ap.add_argument("--build", required=True, help="meson build directory")
    ap.add_argument("--players", type=int, default=8)
    ap.add_argument("--uplink", default="2mbit", help="tbf rate per player")
    ap.add_argument("--downlink", default="20mbit", help="tbf rate per player")
    ap.add_argument("--abr-downlink", default="300kbit",
                    help="downlink during the low phase of abr-switch")
    ap.add_argument("--scenario", nargs="+", metavar="NAME",
                    choices=sorted(bench_scenarios.SCENARIOS),
                    default=sorted(bench_scenarios.SCENARIOS))
    ap.add_argument("--tracker", choices=["ours", "bittorrent-tracker"],
                    default="ours")
    ap.add_argument("--node-modules",
                    default=os.path.join(SRC, "tests", "swarm", "npm",
                                         "node_modules"))
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--baseline", choices=["every", "once"], default="every",
                    help="HTTP-only run before every swarm run, or only "
                    "before the first (a series of swarm runs: --runs 20 "
                    "--baseline once)")
    ap.add_argument("--live-segments", type=int, default=0,
                    help="override the length of the live streams (2 s "
                    "segments; for short smoke runs)")
    ap.add_argument("--out", default=None, help="default: BUILD/swarm-bench/"
                    "DATE-TIME")
    ap.add_argument("--content", default=None,
                    help="default: made (once) by tools/origin/make-content.sh")
    args = ap.parse_args()
    if args.players < 2 or args.runs < 1:
        ap.error("--players must be at least 2 and --runs at least 1")
    return args


def prerequisites(args):
    if os.geteuid() != 0 or not shutil.which("ip") or not shutil.which("tc"):
        return "needs root, ip and tc for network namespaces"
    for exe in ("tools/play/p2pcdn-play", "tools/origin/p2pcdn-origin",
                "tools/tracker/p2pcdn-tracker"):
        if not os.access(os.path.join(args.build, exe), os.X_OK):
            return "%s is not built in %s" % (exe, args.build)
    if args.tracker == "bittorrent-tracker" and (
            not shutil.which("node") or not os.path.isdir(
                os.path.join(args.node_modules, "bittorrent-tracker"))):
        return "bittorrent-tracker is not installed (see .ci/install-deps.sh)"
    return None


def warm_registry(cfg):
    # A sanitizer build of the plugin cannot be loaded by the uninstrumented
    # gst-inspect-1.0: then each player scans it in-process (registry fork
    # off), which only adds to their startup.
    r = subprocess.run(["gst-inspect-1.0", "p2phlssrc"], env=cfg.env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if r.returncode != 0:
        print("note: registry not warmed (gst-inspect-1.0 exited %d); "
              "players scan the plugin themselves" % r.returncode)


def on_sigterm(signum, frame):
    raise KeyboardInterrupt


def main():
    args = parse_args()
    why = prerequisites(args)
    if why:
        print("SKIP: " + why)
        return SKIP
    out = os.path.abspath(args.out or os.path.join(
        args.build, "swarm-bench", time.strftime("%Y%m%d-%H%M%S")))
    os.makedirs(out, exist_ok=True)
    if not args.content:
        args.content = subprocess.run(
            ["sh", os.path.join(SRC, "tools", "origin", "make-content.sh")],
            check=True, stdout=subprocess.PIPE,
            text=True).stdout.strip().splitlines()[-1]
    cfg = Config(args, out)
    warm_registry(cfg)
    signal.signal(signal.SIGTERM, on_sigterm)

    results = {"config": {
        "players": args.players, "uplink": args.uplink,
        "downlink": args.downlink, "abr_downlink": args.abr_downlink,
        "tracker": args.tracker, "runs": args.runs, "content": args.content,
        "cpus": os.cpu_count(), "started": time.strftime("%F %T"),
        "command": " ".join(sys.argv)}, "scenarios": {}}
    net = Net(args.players)
    try:
        for name in args.scenario:
            sc = bench_scenarios.make(name, args.players, args)
            print("== %s: %s" % (name, sc.note), flush=True)
            runs = []
            for k in range(args.runs):
                pair = {}
                modes = ("http", "p2p")
                if args.baseline == "once" and k > 0:
                    modes = ("p2p",)
                    pair["http"] = runs[0]["http"]
                for mode in modes:
                    rundir = os.path.join(out, name, "%s-run%d" % (mode, k + 1))
                    raw = bench_run.run(cfg, net, sc, mode, rundir)
                    m = bench_metrics.metrics(raw)
                    if mode == "p2p":
                        bench_metrics.add_ratios(m, pair["http"]["metrics"])
                    pair[mode] = {"metrics": m, "raw": raw}
                    print(bench_report.one_line(name, mode, k + 1, m),
                          flush=True)
                if "http" not in modes:
                    pair = {"p2p": pair["p2p"], "baseline": 1}
                runs.append(pair)
            bench_report.write_svg(out, sc, dict(runs[0], **runs[-1]), args)
            results["scenarios"][name] = {
                "note": sc.note, "joins": sc.joins, "kills": sc.kills,
                "reshapes": sc.reshapes,
                "runs": [{mode: bench_report.for_json(r[mode])
                          if mode != "baseline" else r[mode] for mode in r}
                         for r in runs]}
            with open(os.path.join(out, "results.json"), "w") as f:
                json.dump(results, f, indent=1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        net.teardown()
    print()
    print(bench_report.table(results))
    failed = bench_report.failures(results)
    for line in failed:
        print("FAIL: " + line)
    print("results: %s" % os.path.join(out, "results.json"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
