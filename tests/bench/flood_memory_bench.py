#!/usr/bin/env python3
# gst-p2pcdn: does a player's memory stay flat, and its cache keep working,
# while peers abuse it for minutes?  (Issue 12; not part of CI.)
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# One real player (p2pcdn-play, playbin) plays an endless live HLS stream
# from the test origin for --minutes, with a small cache (--cache-size) so
# that it must evict many times over.  Every --period seconds a new
# p2pcdn-bad-peer in mode b-flood (5,000 requests with b > 0 per link) and a
# new one in mode stop-reading (asks, then stops itself with its data
# channels open) join its swarm; the previous ones are ended.  The tracker
# asks for an announce every 10 s, so the player offers to them soon.  The player's
# RSS is sampled every 10 s.  At the end the abusers leave and an honest
# player joins: it must take bytes from the first player's cache.
#
#   sudo nice python3 tests/bench/flood_memory_bench.py --build BUILD \
#       [--minutes 10] [--modes b-flood,stop-reading] [--json OUT.json]
#
# --modes '' is the same run without abusers, to compare.
#
# Needs root (network namespaces, see tests/swarm/netns.py).  Exit codes:
# 0 the cache still served the honest player, 1 it did not, 77 skip.

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "swarm"))
from netns import Net, Procs  # noqa: E402
from swarm_test import wait_line, parse_report  # noqa: E402

SAMPLE_S = 10


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def end_bad_peer(p):
    """Wakes a stopped peer and ends it; returns its JSON report."""
    if p.poll() is None:
        p.send_signal(signal.SIGCONT)
        p.send_signal(signal.SIGTERM)
    try:
        out, _ = p.communicate(timeout=20)
        return parse_report(p, out)
    except (subprocess.TimeoutExpired, RuntimeError):
        p.kill()
        p.wait()
        return {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--content", default=None,
                    help="content directory (default: make-content.sh's)")
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--period", type=int, default=30,
                    help="seconds between new abusive peers")
    ap.add_argument("--cache-size", type=int, default=4 * 1024 * 1024)
    ap.add_argument("--modes", default="b-flood,stop-reading",
                    help="p2pcdn-bad-peer modes, one new peer each per "
                    "period ('' for none, to compare)")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    if os.geteuid() != 0 or not shutil.which("ip"):
        print("SKIP: needs root and iproute2 for network namespaces")
        return 77
    here = os.path.dirname(os.path.abspath(__file__))
    if not args.content:
        script = os.path.join(here, "..", "..", "tools", "origin",
                              "make-content.sh")
        out = subprocess.run(["sh", script], check=True, text=True,
                             stdout=subprocess.PIPE).stdout
        args.content = out.strip().splitlines()[-1]

    b = args.build
    tmp = tempfile.mkdtemp(prefix="p2pcdn-flood-")
    env = dict(os.environ, GST_PLUGIN_PATH=os.path.join(b, "gst"),
               GST_REGISTRY=os.path.join(tmp, "registry.bin"),
               GST_REGISTRY_FORK="no")
    env.pop("G_MESSAGES_DEBUG", None)
    modes = [m for m in args.modes.split(",") if m]
    net = Net(4)                # the player, 2 abusers, the honest player
    procs = Procs()
    duration = args.minutes * 60
    result = {"minutes": args.minutes, "period_s": args.period,
              "modes": args.modes,
              "cache_size": args.cache_size, "rss_kib": [], "floods": []}
    ok = False
    try:
        origin = procs.start(net.hub, [
            os.path.join(b, "tools", "origin", "p2pcdn-origin"), "--content",
            args.content, "--bind", net.hub_ip, "--port", "8080",
            "--live-segments", "0"], stdout=subprocess.PIPE, text=True,
            env=env)
        wait_line(origin, "p2pcdn-origin listening")
        tracker = procs.start(net.hub, [
            os.path.join(b, "tools", "tracker", "p2pcdn-tracker"), "--bind",
            net.hub_ip, "--port", "8000", "--interval", "10"],
            stdout=subprocess.PIPE, text=True, env=env)
        wait_line(tracker, "p2pcdn-tracker listening")
        tracker_url = "ws://%s:8000" % net.hub_ip
        master = "http://%s:8080/live/hls/master.m3u8" % net.hub_ip

        def player(i, name, timeout, extra_env=None, out=subprocess.PIPE,
                   extra=()):
            return procs.start(net.players[i], [
                os.path.join(b, "tools", "play", "p2pcdn-play"), "--sync",
                "--name", name, "--trackers", tracker_url,
                "--connection-speed", "100000", "--timeout", str(timeout)] +
                list(extra) + ["p2phls+" + master], stdout=out, text=True,
                stderr=subprocess.DEVNULL, env=dict(env, **(extra_env or {})))

        def bad_peer(i, mode):
            p = procs.start(net.players[i], [
                os.path.join(b, "tests", "swarm", "p2pcdn-bad-peer"),
                "--mode", mode, "--tracker", tracker_url, "--timeout",
                str(args.period * 4), master], stdout=subprocess.PIPE,
                text=True, env=env)
            wait_line(p, "p2pcdn-bad-peer ready", timeout=30)
            return p

        # its samples (one a second, with the stall count) go to a file: a
        # pipe nobody reads would fill and block it
        subject_out = open(os.path.join(tmp, "subject.out"), "w+")
        subject = player(0, "subject", int(duration) + 300,
                         {"P2PCDN_CACHE_SIZE": str(args.cache_size)},
                         out=subject_out, extra=["--progress"])
        # the abusers ask for what the player announces
        time.sleep(8)
        start = time.time()
        abusers = []
        next_period = start
        next_sample = start
        while time.time() - start < duration:
            now = time.time()
            if subject.poll() is not None:
                print("the player ended early")
                break
            if now >= next_period:
                for p in abusers:
                    rep = end_bad_peer(p)
                    if rep.get("mode") == "b-flood":
                        result["floods"].append(rep.get("requests_sent", 0))
                abusers = [bad_peer(1 + k, mode) for k, mode in
                           enumerate(modes)]
                next_period += args.period
            if now >= next_sample:
                kib = rss_kib(subject.pid)
                result["rss_kib"].append([round(now - start), kib])
                print("t=%4d s  RSS %6d KiB" % (now - start, kib), flush=True)
                next_sample += SAMPLE_S
            time.sleep(0.2)
        for p in abusers:
            rep = end_bad_peer(p)
            if rep.get("mode") == "b-flood":
                result["floods"].append(rep.get("requests_sent", 0))

        honest = player(3, "honest", 30)
        honest_rep = parse_report(honest, honest.communicate(timeout=60)[0])
        subject.send_signal(signal.SIGTERM)
        subject.wait(timeout=30)
        subject_out.seek(0)
        text = subject_out.read()
        subject_rep = parse_report(subject, text)
        # stalls in each minute of the abuse
        per_min = {}
        for line in text.splitlines():
            if line.startswith('{"sample"'):
                smp = json.loads(line)["sample"]
                minute = int((smp["t"] - 8) // 60)
                per_min[minute] = smp["stalls"]
        result["stalls_by_minute"] = [per_min.get(m, 0) - per_min.get(m - 1, 0)
                                      for m in sorted(per_min)]
        hs = honest_rep.get("stats", {})
        ss = subject_rep.get("stats", {})
        result["honest"] = {k: hs.get(k, 0) for k in (
            "http-bytes", "p2p-bytes", "segments-p2p", "segments-http")}
        result["honest"]["eos_or_error"] = honest_rep["error"]
        result["subject"] = {k: ss.get(k, 0) for k in (
            "http-bytes", "p2p-bytes", "upload-bytes", "segments-uploaded",
            "peers-dropped", "banned-peers")}
        result["subject"]["stalls"] = subject_rep.get("stalls", 0)
        result["subject"]["error"] = subject_rep["error"]
        series = [kib for _, kib in result["rss_kib"]]
        print("RSS KiB: start %d, min %d, max %d, end %d (%d samples)" % (
            series[0], min(series), max(series), series[-1], len(series)))
        print("abusive peers: %s every %d s; b-flood peers %d, requests "
              "sent %d" % (args.modes or "none", args.period,
                           len(result["floods"]), sum(result["floods"])))
        print("player: %s" % json.dumps(result["subject"]))
        print("player's stalls in each minute: %s" %
              result["stalls_by_minute"])
        print("honest player (30 s at the end): %s" %
              json.dumps(result["honest"]))
        ok = hs.get("p2p-bytes", 0) > 0 and len(series) >= duration / SAMPLE_S
        if not ok:
            print("FAIL: the honest player took nothing from the player's "
                  "cache")
    finally:
        procs.stop_all()
        net.teardown()
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
