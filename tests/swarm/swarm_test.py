#!/usr/bin/env python3
# gst-p2pcdn: player processes in network namespaces share a stream.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds a private network: a hub namespace with a bridge, where the test
# origin and a tracker run, and one namespace per player joined to the
# bridge by a veth pair.  Real p2pcdn-play processes play the stream; the
# origin's request log (client addresses) says who fetched what over HTTP.
# Traffic stays inside namespaces this script creates and deletes.
#
# Exit codes: 0 pass, 1 fail, 77 skip (not root / no ip netns / no node).

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from netns import Net, Procs

SKIP = 77


def wait_line(proc, prefix, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        if line.startswith(prefix):
            return line.strip()
    raise RuntimeError("no '%s' from %s" % (prefix, proc.args))


def report(proc, timeout):
    """The player's JSON report: its last stdout line that parses."""
    out, _ = proc.communicate(timeout=timeout) if proc.poll() is None \
        else (proc.stdout.read(), None)
    for line in reversed(out.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("no report from %s" % proc.args)


def read_log(path):
    entries = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                entries.append(json.loads(line))
    return entries


def media_bytes(entries, host=None):
    return sum(e["bytes_sent"] for e in entries
               if e["path"].endswith((".ts", ".m4s", ".mp4"))
               and (host is None or e.get("remote_host") == host))


class Swarm:
    def __init__(self, args, n_players):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="p2pcdn-swarm-")
        self.net = Net(n_players)
        self.procs = Procs()
        self.log = os.path.join(self.tmp, "origin.log")
        env = dict(os.environ)
        env["GST_PLUGIN_PATH"] = os.path.join(args.build, "gst")
        # our own registry, scanned in-process: a sanitizer build of the
        # plugin cannot be loaded by the uninstrumented gst-plugin-scanner
        env["GST_REGISTRY"] = os.path.join(self.tmp, "registry.bin")
        env["GST_REGISTRY_FORK"] = "no"
        env.pop("G_MESSAGES_DEBUG", None)
        self.env = env

    def start_servers(self):
        b = self.args.build
        origin = self.procs.start(self.net.hub, [
            os.path.join(b, "tools", "origin", "p2pcdn-origin"), "--content",
            self.args.content, "--bind", self.net.hub_ip, "--port", "8080",
            "--log", self.log], stdout=subprocess.PIPE, text=True,
            env=self.env)
        wait_line(origin, "p2pcdn-origin listening")
        self.start_tracker()
        self.url = "p2phls+http://%s:8080/hls/vod/master.m3u8" % self.net.hub_ip
        self.tracker_url = "ws://%s:8000" % self.net.hub_ip

    def start_tracker(self):
        b = self.args.build
        if self.args.tracker == "ours":
            tracker = self.procs.start(self.net.hub, [
                os.path.join(b, "tools", "tracker", "p2pcdn-tracker"),
                "--bind", self.net.hub_ip, "--port", "8000"],
                stdout=subprocess.PIPE, text=True, env=self.env)
            wait_line(tracker, "p2pcdn-tracker listening")
        else:
            script = os.path.join(os.path.dirname(__file__),
                                  "bittorrent-tracker-server.mjs")
            tracker = self.procs.start(self.net.hub, [
                "node", script, self.args.node_modules, self.net.hub_ip,
                "8000"], stdout=subprocess.PIPE, text=True, env=self.env)
            wait_line(tracker, "bittorrent-tracker listening")
        self.tracker = tracker

    def kill_tracker(self):
        self.tracker.kill()
        self.tracker.wait()

    def player(self, i, *extra):
        argv = [os.path.join(self.args.build, "tools", "play", "p2pcdn-play"),
                "--name", "player%d" % (i + 1), "--trackers", self.tracker_url,
                "--connection-speed", "100000", "--timeout", "90"]
        argv += list(extra) + [self.url]
        # e.g. "gdb -batch -ex run -ex bt --args" to debug a player
        wrapper = os.environ.get("P2PCDN_PLAYER_WRAPPER")
        if wrapper:
            argv = wrapper.split() + argv
        return self.procs.start(self.net.players[i], argv,
                                stdout=subprocess.PIPE, text=True,
                                env=self.env)

    def close(self):
        self.procs.stop_all()
        self.net.teardown()
        shutil.rmtree(self.tmp, ignore_errors=True)


def summary(name, rep, origin_media, total_media):
    s = rep.get("stats", {})
    share = 1.0 - origin_media / total_media if total_media else 0.0
    print("%-8s eos=%-5s origin media %8d B of %8d B -> %5.1f%% from peers"
          " | stats: http %d p2p %d upload %d peers %d" % (
              name, rep["eos"], origin_media, total_media, 100 * share,
              s.get("http-bytes", 0), s.get("p2p-bytes", 0),
              s.get("upload-bytes", 0), s.get("peers", 0)))
    return share


def baseline(sw):
    """One HTTP-only run: the bytes a player must output, and how many
    media bytes one player fetches."""
    p = sw.player(0, "--no-p2p")
    rep = report(p, 120)
    if not rep["eos"]:
        raise RuntimeError("baseline did not play: %s" % rep["error"])
    time.sleep(0.5)
    entries = read_log(sw.log)
    return rep, media_bytes(entries), len(entries)


def scenario_three_players(sw):
    base, total_media, skip = baseline(sw)
    print("baseline: %d media bytes over HTTP, video %s" % (
        total_media, base["video_sha256"][:16]))
    players = []
    for i in range(3):
        # real-time playback, a few seconds apart; each stays a little after
        # its end to serve the later ones
        players.append(sw.player(i, "--sync", "--linger", str(8 * (2 - i) + 4)))
        time.sleep(4)
    reps = [report(p, 150) for p in players]
    time.sleep(0.5)
    entries = read_log(sw.log)[skip:]
    ok = True
    for i, rep in enumerate(reps):
        share = summary(rep["name"], rep, media_bytes(entries, sw.net.ips[i]),
                        total_media)
        if not rep["eos"]:
            print("FAIL: %s did not reach EOS: %s" % (rep["name"], rep["error"]))
            ok = False
        if (rep["video_sha256"], rep["audio_sha256"]) != \
                (base["video_sha256"], base["audio_sha256"]):
            print("FAIL: %s output differs from the HTTP-only run" % rep["name"])
            ok = False
        if i > 0 and share < 0.5:
            print("FAIL: %s took less than half of its media from peers"
                  % rep["name"])
            ok = False
    return ok


def scenario_peer_leaves(sw):
    base, total_media, skip = baseline(sw)
    # player 1 holds everything, then serves through a slow uplink so that
    # transfers are under way when it dies
    seeder = sw.player(0, "--linger", "60")
    first = report_line_when_done(seeder)
    if not first["eos"]:
        print("FAIL: seeder did not play: %s" % first["error"])
        return False
    sw.net.shape(0, "1mbit")
    start = time.time()
    leecher = sw.player(1)
    time.sleep(2.5)
    seeder.kill()
    seeder.wait()
    rep = report(leecher, 120)
    took = time.time() - start
    time.sleep(0.5)
    entries = read_log(sw.log)[skip:]
    summary(rep["name"], rep, media_bytes(entries, sw.net.ips[1]), total_media)
    s = rep.get("stats", {})
    print("leecher finished %.1f s after it started; %d segments from peers, "
          "%d over HTTP, %d peer misses" % (took, s.get("segments-p2p", 0),
                                            s.get("segments-http", 0),
                                            s.get("p2p-failures", 0)))
    ok = True
    if not rep["eos"]:
        print("FAIL: leecher did not reach EOS: %s" % rep["error"])
        ok = False
    if rep["video_sha256"] != base["video_sha256"]:
        print("FAIL: leecher output differs from the HTTP-only run")
        ok = False
    if s.get("p2p-bytes", 0) == 0:
        print("FAIL: the leecher never got bytes from the seeder")
        ok = False
    if s.get("segments-http", 0) == 0:
        print("FAIL: nothing was finished over HTTP after the seeder died")
        ok = False
    return ok


def scenario_live(sw):
    """Three players join a live HLS stream 2.7 s apart (their playlist
    refreshes fall at different points of a 2 s segment, as players' do):
    the segments each needs at the live edge are fetched over HTTP about
    once per swarm.  (Players whose refreshes coincide exactly are the
    election's hard case: see docs/architecture.md.)"""
    sw.url = "p2phls+http://%s:8080/live/hls/master.m3u8" % sw.net.hub_ip
    players = []
    for i in range(3):
        players.append(sw.player(i, "--sync", "--linger", str(3 * (2 - i) + 3)))
        time.sleep(2.7)
    reps = [report(p, 150) for p in players]
    time.sleep(0.5)
    entries = read_log(sw.log)
    ok = True
    total_http = 0
    total_media = 0
    for i, rep in enumerate(reps):
        s = rep.get("stats", {})
        origin = media_bytes(entries, sw.net.ips[i])
        media = s.get("http-bytes", 0) + s.get("p2p-bytes", 0) + \
            s.get("cache-bytes", 0)
        total_http += origin
        total_media += media
        summary(rep["name"], rep, origin, media)
        if not rep["eos"]:
            print("FAIL: %s did not reach EOS: %s" % (rep["name"], rep["error"]))
            ok = False
    share = 1.0 - total_http / total_media if total_media else 0.0
    print("swarm: %d of %d media bytes from the origin: %.1f%% from peers" % (
        total_http, total_media, 100 * share))
    if share < 0.4:
        print("FAIL: less than 40% of the swarm's media came from peers")
        ok = False
    return ok


def scenario_tracker_restart(sw):
    """The tracker dies mid-stream and comes back on the same port: a
    player connected to a peer plays on, a player started while no tracker
    is up plays from HTTP and takes bytes from peers once its client has
    reconnected (with backoff) and the seeder's has re-announced."""
    base, total_media, skip = baseline(sw)
    seeder = sw.player(0, "--linger", "60")
    first = report_line_when_done(seeder)
    if not first["eos"]:
        print("FAIL: seeder did not play: %s" % first["error"])
        return False
    early = sw.player(1, "--sync")
    time.sleep(4)
    sw.kill_tracker()
    killed = time.time()
    late = sw.player(2, "--sync")
    time.sleep(3)
    sw.start_tracker()
    print("tracker down for %.1f s" % (time.time() - killed))
    reps = [report(early, 120), report(late, 120)]
    time.sleep(0.5)
    entries = read_log(sw.log)[skip:]
    ok = True
    shares = []
    for i, rep in enumerate(reps, start=1):
        shares.append(summary(rep["name"], rep,
                              media_bytes(entries, sw.net.ips[i]),
                              total_media))
        if not rep["eos"]:
            print("FAIL: %s did not reach EOS: %s" % (rep["name"], rep["error"]))
            ok = False
        if (rep["video_sha256"], rep["audio_sha256"]) != \
                (base["video_sha256"], base["audio_sha256"]):
            print("FAIL: %s output differs from the HTTP-only run" % rep["name"])
            ok = False
    if os.environ.get("P2PCDN_SWARM_VERBOSE"):
        print(json.dumps(reps[1], indent=1))
    # Its output is the HTTP-only run's, so what the origin did not send it
    # came from peers (prefetched segments count as cache-bytes).
    s = reps[1].get("stats", {})
    print("late player: %d segments over HTTP, %d from peers, %d from its "
          "cache" % (s.get("segments-http", 0), s.get("segments-p2p", 0),
                     s.get("segments-cache", 0)))
    if s.get("segments-http", 0) == 0:
        print("FAIL: the late player fetched nothing over HTTP while the "
              "tracker was down")
        ok = False
    if shares[1] <= 0.0 or s.get("peers", 0) == 0:
        print("FAIL: P2P did not resume for the late player once the tracker "
              "was back")
        ok = False
    return ok


def report_line_when_done(proc, timeout=60):
    """Reads the report a lingering player prints at its end."""
    end = time.time() + timeout
    while time.time() < end:
        line = proc.stdout.readline()
        if line.strip().startswith("{"):
            return json.loads(line)
        if not line and proc.poll() is not None:
            break
    raise RuntimeError("no report from %s" % proc.args)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--content", default=None)
    ap.add_argument("--content-script", default=None,
                    help="make-content.sh: generates (once) and prints the "
                    "content directory")
    ap.add_argument("--scenario", choices=["three-players", "peer-leaves",
                                           "live", "tracker-restart"],
                    default="three-players")
    ap.add_argument("--tracker", choices=["ours", "bittorrent-tracker"],
                    default="ours")
    ap.add_argument("--node-modules", default=None)
    args = ap.parse_args()

    if not args.content:
        out = subprocess.run(["sh", args.content_script], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        args.content = out.strip().splitlines()[-1]
    if os.geteuid() != 0 or not shutil.which("ip"):
        print("SKIP: needs root and iproute2 for network namespaces")
        return SKIP
    if args.tracker == "bittorrent-tracker":
        if not shutil.which("node") or not args.node_modules or \
                not os.path.isdir(os.path.join(args.node_modules,
                                               "bittorrent-tracker")):
            print("SKIP: bittorrent-tracker is not installed (npm install "
                  "--ignore-scripts bittorrent-tracker)")
            return SKIP

    sw = Swarm(args, 2 if args.scenario == "peer-leaves" else 3)
    try:
        sw.start_servers()
        if args.scenario == "three-players":
            ok = scenario_three_players(sw)
        elif args.scenario == "live":
            ok = scenario_live(sw)
        elif args.scenario == "tracker-restart":
            ok = scenario_tracker_restart(sw)
        else:
            ok = scenario_peer_leaves(sw)
    finally:
        sw.close()
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
