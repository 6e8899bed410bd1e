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
import re
import shutil
import signal
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
    return report_and_output(proc, timeout)[0]


def report_and_output(proc, timeout):
    out, _ = proc.communicate(timeout=timeout) if proc.poll() is None \
        else (proc.stdout.read(), None)
    return parse_report(proc, out), out


def parse_report(proc, out):
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
        # set: the tracker logs what it relays (GST_LOG) to this file
        self.tracker_log = None
        if args.segment_hashes:
            # peers' bytes are taken only when they match the origin's list
            env["P2PCDN_SEGMENT_HASHES"] = "segments-sha256.json"
        self.env = env
        self.origin_args = []

    def start_tracker(self, port):
        tracker = self.procs.start(self.net.hub, [
            os.path.join(self.args.build, "tools", "tracker", "p2pcdn-tracker"),
            "--bind", self.net.hub_ip, "--port", str(port)],
            stdout=subprocess.PIPE, text=True, env=self.env)
        wait_line(tracker, "p2pcdn-tracker listening")
        return "ws://%s:%d" % (self.net.hub_ip, port)

    def pipelines(self, i, argv, env=None):
        """play-pipelines in player i's namespace."""
        argv = [os.path.join(self.args.build, "tests", "swarm",
                             "play-pipelines")] + argv
        return self.procs.start(self.net.players[i], argv,
                                stdout=subprocess.PIPE, text=True,
                                env=env or self.env)

    def start_servers(self):
        b = self.args.build
        origin = self.procs.start(self.net.hub, [
            os.path.join(b, "tools", "origin", "p2pcdn-origin"), "--content",
            self.args.content, "--bind", self.net.hub_ip, "--port", "8080",
            "--log", self.log] + self.origin_args, stdout=subprocess.PIPE,
            text=True, env=self.env)
        wait_line(origin, "p2pcdn-origin listening")
        self.origin = origin
        self.start_main_tracker()
        self.url = "p2phls+http://%s:8080/hls/vod/master.m3u8" % self.net.hub_ip
        if self.args.stream == "dash":
            self.url = "p2pdash+http://%s:8080/dash/template/manifest.mpd" \
                % self.net.hub_ip
        self.tracker_url = "ws://%s:8000" % self.net.hub_ip

    def start_main_tracker(self):
        """The players' tracker on port 8000 (again after kill_tracker)."""
        b = self.args.build
        if self.args.tracker == "ours":
            env, log = self.env, None
            if self.tracker_log:
                env = dict(self.env, GST_DEBUG="p2pcdn-tracker-server:6",
                           GST_DEBUG_NO_COLOR="1")
                log = open(self.tracker_log, "a")
            tracker = self.procs.start(self.net.hub, [
                os.path.join(b, "tools", "tracker", "p2pcdn-tracker"),
                "--bind", self.net.hub_ip, "--port", "8000"],
                stdout=subprocess.PIPE, text=True, env=env, stderr=log)
            if log:
                log.close()
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

    def player(self, i, *extra, env=None, stderr=None, url=None):
        argv = [os.path.join(self.args.build, "tools", "play", "p2pcdn-play"),
                "--name", "player%d" % (i + 1), "--trackers", self.tracker_url,
                "--connection-speed", "100000", "--timeout", "90",
                "--player", self.player_element(i)]
        argv += list(extra) + [url or self.url]
        # e.g. "gdb -batch -ex run -ex bt --args" to debug a player
        wrapper = os.environ.get("P2PCDN_PLAYER_WRAPPER")
        if wrapper:
            argv = wrapper.split() + argv
        return self.procs.start(self.net.players[i], argv,
                                stdout=subprocess.PIPE, text=True,
                                env=dict(self.env, **(env or {})),
                                stderr=stderr)

    def bad_peer(self, i, mode):
        """tests/swarm/p2pcdn-bad-peer in namespace @i, serving wrong
        bytes of every segment once it printed 'ready'."""
        p = self.procs.start(self.net.players[i], [
            os.path.join(self.args.build, "tests", "swarm", "p2pcdn-bad-peer"),
            "--mode", mode, "--tracker", self.tracker_url, "--timeout", "150",
            self.url.replace("p2phls+", "")], stdout=subprocess.PIPE,
            text=True, env=self.env)
        wait_line(p, "p2pcdn-bad-peer ready", timeout=30)
        return p

    def player_element(self, i):
        """--player mixed: playbin and playbin3 in turn."""
        if self.args.player == "mixed":
            return "playbin3" if i % 2 else "playbin"
        return self.args.player

    def close(self):
        self.procs.stop_all()
        self.net.teardown()
        shutil.rmtree(self.tmp, ignore_errors=True)


def summary(name, rep, origin_media, total_media):
    s = rep.get("stats", {})
    share = 1.0 - origin_media / total_media if total_media else 0.0
    # an offload figure means little without the stalls next to it
    print("%-8s eos=%-5s origin media %8d B of %8d B -> %5.1f%% from peers"
          " | stalls %d (%.1f s) | stats: http %d p2p %d upload %d peers %d" % (
              name, rep["eos"], origin_media, total_media, 100 * share,
              rep.get("stalls", 0), rep.get("stalled_s", 0.0),
              s.get("http-bytes", 0), s.get("p2p-bytes", 0),
              s.get("upload-bytes", 0), s.get("peers", 0)))
    return share


def played_like(rep, base):
    """The player reached EOS with the decoded output of the HTTP-only
    run."""
    if not rep["eos"]:
        print("FAIL: %s did not reach EOS: %s" % (rep["name"], rep["error"]))
        return False
    if (rep["video_sha256"], rep["audio_sha256"]) != \
            (base["video_sha256"], base["audio_sha256"]):
        print("FAIL: %s output differs from the HTTP-only run" % rep["name"])
        return False
    return True


def baseline(sw):
    """HTTP-only runs: the bytes each player element must output (playbin
    and playbin3 decode the same stream's audio differently, measured on
    1.22, so each gets its own), and how many media bytes one player
    fetches."""
    refs = {}
    for i in (0, 1) if sw.args.player == "mixed" else (0,):
        p = sw.player(i, "--no-p2p")
        rep = report(p, 120)
        if not rep["eos"]:
            raise RuntimeError("baseline did not play: %s" % rep["error"])
        refs[sw.player_element(i)] = rep
        if i == 0:
            time.sleep(0.5)
            total_media = media_bytes(read_log(sw.log))
    time.sleep(0.5)
    entries = read_log(sw.log)
    return refs, total_media, len(entries)


# What each player element plugs on 1.22 (measured: playbin's decodebin
# tries the streams-aware demuxer, which refuses to run there, then the
# legacy one); playbin3 players reach the swarm through the gateway.
DEMUXERS = {("playbin", "hls"): "hlsdemux", ("playbin3", "hls"): "hlsdemux2",
            ("playbin", "dash"): "dashdemux",
            ("playbin3", "dash"): "dashdemux2"}


def check_demuxer(sw, i, rep):
    want = DEMUXERS[(sw.player_element(i), sw.args.stream)]
    got = rep.get("demuxers", [])
    print("%-8s %s plugged %s" % (rep["name"], sw.player_element(i),
                                  ", ".join(got) or "nothing"))
    if not got or got[-1] != want:
        print("FAIL: %s plugged %s, expected %s last" % (rep["name"], got, want))
        return False
    return True


def scenario_three_players(sw):
    refs, total_media, skip = baseline(sw)
    print("baseline: %d media bytes over HTTP, video %s" % (
        total_media, refs[sw.player_element(0)]["video_sha256"][:16]))
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
        ok = check_demuxer(sw, i, rep) and ok
        ok = played_like(rep, refs[sw.player_element(i)]) and ok
        if i > 0 and share < 0.5:
            print("FAIL: %s took less than half of its media from peers"
                  % rep["name"])
            ok = False
    return ok


def scenario_peer_leaves(sw):
    refs, total_media, skip = baseline(sw)
    # player 1 holds everything, then serves through a slow uplink so that
    # transfers are under way when it dies
    seeder, first = seed(sw, 60)
    if not first:
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
    ok = played_like(rep, refs[sw.player_element(1)])
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
    if sw.args.player != "playbin":
        # hlsdemux2 1.22 joining a live playlist of one segment loses sync
        # at its first refresh and never recovers, over plain HTTP too
        # (measured with souphttpsrc alone): join a stream under way
        time.sleep(6)
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


# "0:00:01.234567890 12345 0x55d0c0 DEBUG  p2pcdn-swarm file.c:12:func: text"
GST_LINE = re.compile(r"^\d+:\d+:\d+\.\d+\s+\d+\s+0x[0-9a-f]+\s+([A-Z]+)\s+(\S+)\s")
# what GLib's default handler prints for a domain of ours: "p2p-swarm-DEBUG:",
# "(process:12): p2p-tracker-client-WARNING **:", "p2pcdn-tracker-Message:"
GLIB_LINE = re.compile(r"\bp2p[a-z]*-[a-z-]+-(DEBUG|INFO|Message|WARNING|CRITICAL)\b")
GLIB_ANY_LINE = re.compile(r"^(\(\S+:\d+\): )?[\w.-]+-(DEBUG|INFO|Message|WARNING|CRITICAL)\b")
ADDRESS_LEVELS = ("INFO", "FIXME", "WARN", "ERROR")


def scenario_debug_log(sw):
    """A player in a swarm run with GST_DEBUG='p2pcdn*:6' and
    G_MESSAGES_DEBUG=all: its whole story is in GStreamer debug categories
    (at least six p2pcdn-* ones), nothing comes out through a GLib log
    domain of ours, and peer addresses (the players' IPs, ICE candidates)
    appear only at DEBUG and LOG."""
    _, first = seed(sw, 40)
    if not first:
        return False
    env = dict(sw.env, GST_DEBUG="p2pcdn*:6", GST_DEBUG_NO_COLOR="1",
               G_MESSAGES_DEBUG="all")
    log_path = os.path.join(sw.tmp, "player2.stderr")
    with open(log_path, "w") as log:
        rep, out = report_and_output(sw.player(1, env=env, stderr=log), 120)
    s = rep.get("stats", {})
    print("leecher: eos=%s, %d bytes from peers, %d over HTTP" % (
        rep["eos"], s.get("p2p-bytes", 0), s.get("http-bytes", 0)))
    ok = True
    if not rep["eos"] or s.get("p2p-bytes", 0) == 0:
        print("FAIL: the debug-logging player did not share with its peer")
        ok = False

    categories = {}
    glib_lines = []
    leaks = []
    peer_address = re.compile("|".join(re.escape(ip) + r"\b"
                                       for ip in sw.net.ips[:2]) +
                              r"|candidate:|a=candidate")
    with open(log_path, errors="replace") as f:
        err = f.read()
    # GLib prints debug, info and messages on stdout, the rest on stderr
    for text in (err, out):
        level = cat = None
        for line in text.splitlines():
            if GLIB_ANY_LINE.search(line):
                if GLIB_LINE.search(line):
                    glib_lines.append(line)
                level = cat = None
                continue
            m = GST_LINE.match(line)
            if m:
                level, cat = m.groups()
                if cat.startswith("p2pcdn-"):
                    categories[cat] = categories.get(cat, 0) + 1
            # a line of a multi-line message (an SDP) counts at its level
            if cat and cat.startswith("p2pcdn-") and \
                    level in ADDRESS_LEVELS and peer_address.search(line):
                leaks.append(line)
    print("categories: " + ", ".join("%s %d" % kv
                                     for kv in sorted(categories.items())))
    if len(categories) < 6:
        print("FAIL: lines from %d p2pcdn-* categories, at least 6 expected"
              % len(categories))
        ok = False
    if glib_lines:
        print("FAIL: %d lines through GLib log domains of ours, e.g.\n  %s"
              % (len(glib_lines), "\n  ".join(glib_lines[:5])))
        ok = False
    if leaks:
        print("FAIL: peer addresses above DEBUG level, e.g.\n  %s"
              % "\n  ".join(leaks[:5]))
        ok = False
    return ok


# A sync player of the 20 s VOD may take this much longer than real time
# (startup, prerolls) before it counts as stalled.
STALL_SLACK_S = 10
VOD_SECONDS = 20
BAD_MODES = ["corrupt", "truncate", "lie"]


def scenario_bad_peers(sw):
    """Three players with the stream's hash list and three peers serving
    corrupted, truncated and wrong segments: every player's decoded output
    is the HTTP-only one, without a stall; each bad peer is banned by whoever
    took a segment from it (it uploads at most one per player)."""
    refs, _, _ = baseline(sw)
    base = refs[sw.player_element(0)]
    n = len(BAD_MODES)
    bad = [sw.bad_peer(3 + k, mode) for k, mode in enumerate(BAD_MODES)]
    players = []
    # --no-hash-list shows what the list is for: the corrupting peer's
    # bytes pass the container check and reach the decoders
    env = {"P2PCDN_SEGMENT_HASHES": ""} if sw.args.no_hash_list else {
        "P2PCDN_SEGMENT_HASHES": "segments-sha256.json"}
    for i in range(3):
        players.append(sw.player(
            i, "--sync", "--linger", str(4 * (2 - i) + 2), env=env))
        time.sleep(3)
    reps = [report(p, 150) for p in players]
    for p in bad:
        p.send_signal(signal.SIGTERM)
    bad_reps = [report(p, 30) for p in bad]
    ok = True
    rejected = banned = 0
    for rep in reps:
        s = rep.get("stats", {})
        rejected += s.get("bad-peer-segments", 0)
        banned += s.get("banned-peers", 0)
        print("%-8s eos=%-5s %.1f s | p2p %d B, bad-peer-segments %d, "
              "banned-peers %d" % (rep["name"], rep["eos"], rep["seconds"],
                                   s.get("p2p-bytes", 0),
                                   s.get("bad-peer-segments", 0),
                                   s.get("banned-peers", 0)))
        ok = played_like(rep, base) and ok
        if rep["seconds"] > VOD_SECONDS + STALL_SLACK_S:
            print("FAIL: %s took %.1f s for %d s of media" % (
                rep["name"], rep["seconds"], VOD_SECONDS))
            ok = False
    for rep in bad_reps:
        print("bad peer %-8s: %d uploads (%d B), %d connections" % (
            rep["mode"], rep["uploads"], rep["upload_bytes"],
            rep["peers_connected"]))
        if rep["uploads"] > len(players):
            print("FAIL: the %s peer was not banned after its first segment"
                  % rep["mode"])
            ok = False
    print("bad segments rejected %d, bans %d" % (rejected, banned))
    if rejected == 0:
        print("FAIL: no player took a segment from a bad peer: nothing shown")
        ok = False
    if banned < rejected:
        print("FAIL: a bad segment without a ban")
        ok = False
    return ok


def pipeline_lines(proc, n, timeout=120):
    """The JSON lines of the first n pipelines of a play-pipelines run."""
    lines = []
    end = time.time() + timeout
    while len(lines) < n and time.time() < end:
        line = proc.stdout.readline()
        if line.strip().startswith("{"):
            lines.append(json.loads(line))
        elif not line and proc.poll() is not None:
            break
    if len(lines) < n:
        raise RuntimeError("%d of %d pipelines reported by %s" % (
            len(lines), n, proc.args))
    return lines


def scenario_config(sw):
    """Per-pipeline settings in one process (docs/architecture.md,
    "Configuration").  Three streams (distinct URLs of the same content,
    so distinct swarms); a seeder holds all of them, announcing X and Y on
    tracker 1 and Z only on tracker 2.  Then one process plays, in order:
    X with p2p=false (and cache-size=1, a per-process setting: nothing is
    kept, so a replay cannot come from the cache), Y with default p2p, Z
    with trackers=<tracker 2> set on its element after Y's swarm started,
    and X again with no property set.  X must first come wholly from the
    origin, then Y, Z and X again mostly from the seeder."""
    t1 = sw.tracker_url
    t2 = sw.start_tracker(8001)
    base = "http://%s:8080" % sw.net.hub_ip
    paths = {"X": "/redirect/0/hls/vod/", "Y": "/hls/vod/",
             "Z": "/redirect/0/redirect/0/hls/vod/"}
    uri = {k: "p2phls+" + base + p + "master.m3u8" for k, p in paths.items()}
    seeder = sw.pipelines(0, [
        "--linger", "60",
        uri["X"], "trackers=" + t1, "--",
        uri["Y"], "trackers=" + t1, "--",
        uri["Z"], "trackers=" + t2])
    seeded = pipeline_lines(seeder, 3)
    ok = all(r["eos"] for r in seeded)
    if not ok:
        print("FAIL: the seeder did not play: %s" % seeded)
        return False
    time.sleep(0.5)
    skip = len(read_log(sw.log))
    total = media_bytes([e for e in read_log(sw.log)
                         if e["path"].startswith(paths["Y"])])
    # tracker 1 is the process's default; the elements say the rest
    env = dict(sw.env, P2PCDN_TRACKERS=t1)
    runs = [("X", ["p2p=false", "cache-size=1"], "none"), ("Y", [], "most"),
            ("Z", ["trackers=" + t2], "most"), ("X", [], "most")]
    argv = []
    for name, props, _ in runs:
        argv += (["--"] if argv else []) + [uri[name]] + props
    subject = sw.pipelines(1, argv, env=env)
    # where each pipeline's origin requests start in the log
    starts = []
    reps = []
    for _ in runs:
        starts.append(len(read_log(sw.log)))
        reps += pipeline_lines(subject, 1)
    subject.wait(timeout=10)
    time.sleep(0.5)
    log = read_log(sw.log)
    starts[0] = skip
    for i, ((name, props, want), rep) in enumerate(zip(runs, reps)):
        end = starts[i + 1] if i + 1 < len(starts) else len(log)
        origin = media_bytes([e for e in log[starts[i]:end]
                              if e.get("remote_host") == sw.net.ips[1]
                              and e["path"].startswith(paths[name])])
        print("%s %-30s eos=%s, %d of %d media bytes from the origin" % (
            name, " ".join(props) or "(no property)", rep["eos"], origin,
            total))
        if not rep["eos"]:
            print("FAIL: %s did not play: %s" % (name, rep["error"]))
            ok = False
        if want == "none" and origin < total:
            print("FAIL: %s (p2p=false) took media from peers" % name)
            ok = False
        if want == "most" and origin > total / 2:
            print("FAIL: %s took more than half its media from the origin"
                  % name)
            ok = False
    return ok


def scenario_http_headers(sw):
    """Every media segment posts souphttpsrc's http-headers message and
    sticky event, wherever its bytes came from: over HTTP, from the cache
    (the headers of the response that brought it, kept with it), from a
    peer (a synthetic set).  One process plays X over HTTP only, X again
    (from its cache), then Y, which a seeder holds."""
    base = "http://%s:8080" % sw.net.hub_ip
    x = "p2phls+%s/redirect/0/hls/vod/master.m3u8" % base
    y = "p2phls+%s/hls/vod/master.m3u8" % base
    env = dict(sw.env, P2PCDN_TRACKERS=sw.tracker_url)
    seeder = sw.pipelines(0, ["--linger", "60", y], env=env)
    if not pipeline_lines(seeder, 1)[0]["eos"]:
        print("FAIL: the seeder did not play")
        return False
    subject = sw.pipelines(1, [x, "p2p=false", "--", x, "p2p=false", "--", y],
                           env=env)
    reps = pipeline_lines(subject, 3)
    ok = True
    before = 0
    for name, rep, want in zip(("X over HTTP", "X again", "Y"), reps,
                               ("http", "cache", "peer")):
        stats = rep.get("stats") or {}
        requests = stats.get("segment-requests", 0) - before
        before += requests
        heads = rep["headers"]
        print("%-11s eos=%s: %d segment requests, http-headers messages %s "
              "(%d with Content-Type), %d events" % (
                  name, rep["eos"], requests, heads, rep["typed"],
                  rep["events"]))
        if not rep["eos"] or requests == 0:
            print("FAIL: %s did not play" % name)
            ok = False
        if sum(heads.values()) != requests or rep["events"] != requests:
            print("FAIL: %s: not one http-headers message and event per "
                  "segment" % name)
            ok = False
        if heads.get(want, 0) == 0 or (want != "peer" and
                                       heads.get(want) != requests):
            print("FAIL: %s: expected its segments from %s" % (name, want))
            ok = False
        if want != "peer" and rep["typed"] != requests:
            print("FAIL: %s: the HTTP response's headers were not kept"
                  % name)
            ok = False
    return ok


ABUSE_MODES = {
    # they ask: the players' caches must go on serving each other
    "abusive-peers": ["b-flood", "stop-reading", "malformed",
                      "oversized-command"],
    # they hold everything and never deliver: playback must not suffer
    "lazy-peers": ["absent", "silent", "trickle"],
}
BANNED_MODES = ["malformed", "oversized-command"]


def scenario_abusive_peers(sw, modes, share_wanted):
    """Three players with peers that abuse the protocol (bad-peer-raw.h):
    requests with b > 0 by the thousand, a reader that stops, malformed and
    oversized commands; or announcements of segments never sent, silence
    after SegmentData, one byte a second.  Every player plays what
    HTTP-only plays without a stall, the malformed ones are banned, and
    with @share_wanted the later players still take most of their media
    from the earlier ones' caches."""
    refs, total_media, skip = baseline(sw)
    base = refs[sw.player_element(0)]
    bad = [sw.bad_peer(3 + k, mode) for k, mode in enumerate(modes)]
    players = []
    for i in range(3):
        players.append(sw.player(i, "--sync", "--linger", str(4 * (2 - i) + 2)))
        time.sleep(3)
    reps = [report(p, 150) for p in players]
    time.sleep(0.5)
    entries = read_log(sw.log)[skip:]
    for p in bad:
        p.send_signal(signal.SIGCONT)
        p.send_signal(signal.SIGTERM)
    bad_reps = {r["mode"]: r for r in (report(p, 30) for p in bad)}
    ok = True
    for i, rep in enumerate(reps):
        s = rep.get("stats", {})
        share = summary(rep["name"], rep, media_bytes(entries, sw.net.ips[i]),
                        total_media)
        print("         %.1f s, peers dropped %d, banned %d" % (
            rep["seconds"], s.get("peers-dropped", 0),
            s.get("banned-peers", 0)))
        ok = played_like(rep, base) and ok
        if rep["seconds"] > VOD_SECONDS + STALL_SLACK_S:
            print("FAIL: %s took %.1f s for %d s of media" % (
                rep["name"], rep["seconds"], VOD_SECONDS))
            ok = False
        if share_wanted and i > 0 and share < 0.5:
            print("FAIL: %s took less than half of its media from peers"
                  % rep["name"])
            ok = False
    for mode in modes:
        print("bad peer %-17s: %s" % (mode, json.dumps(bad_reps[mode])))
    for mode in set(modes) & {"b-flood", "stop-reading"}:
        if bad_reps[mode]["requests_sent"] == 0:
            print("FAIL: the %s peer never asked: nothing shown" % mode)
            ok = False
    banned = sum(r.get("stats", {}).get("banned-peers", 0) for r in reps)
    # a connection whose remote left before the whole bad command went
    # out (the oversized one takes a while) cannot end in a ban
    delivered = sum(bad_reps[m]["delivered"] for m in BANNED_MODES
                    if m in bad_reps)
    if banned < delivered:
        print("FAIL: %d connections got a malformed command, %d bans" % (
            delivered, banned))
        ok = False
    if set(BANNED_MODES) & set(modes) and delivered == 0:
        print("FAIL: no malformed command went out: nothing shown")
        ok = False
    return ok


def scenario_gateway_ffmpeg(sw):
    """Debian's ffmpeg, a player outside GStreamer, remuxes a VOD HLS
    stream through p2pcdn-gateway in two namespaces, one after the other:
    the second takes most of its media from the first one's gateway."""
    if not shutil.which("ffmpeg"):
        print("SKIP: no ffmpeg")
        return None
    origin_url = "http://%s:8080/hls/vod/master.m3u8" % sw.net.hub_ip
    # the program links the manager in: loading our plugin as well (an
    # in-process registry scan) would be a second copy of it
    gateway_env = dict(sw.env)
    gateway_env.pop("GST_PLUGIN_PATH", None)
    gateway_env["GST_REGISTRY"] = os.path.join(sw.tmp, "gateway-registry.bin")
    outputs = []
    shares = []
    skip = 0
    for i in range(2):
        gw = sw.procs.start(sw.net.players[i], [
            os.path.join(sw.args.build, "tools", "gateway", "p2pcdn-gateway"),
            "--listen", "127.0.0.1:8089", "--trackers", sw.tracker_url,
            "--url", origin_url, "--quiet"], stdout=subprocess.PIPE,
            text=True, env=gateway_env)
        # in the order the gateway prints them
        stats_url = wait_line(gw, "statistics: ").split(" ", 1)[1]
        local = wait_line(gw, "local URL: ").split(" ", 2)[2]
        out = os.path.join(sw.tmp, "ffmpeg%d.ts" % (i + 1))
        ff = sw.procs.start(sw.net.players[i], [
            "ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", local,
            "-map", "0", "-c", "copy", "-f", "mpegts", out],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=sw.env)
        ff_out, _ = ff.communicate(timeout=60)
        stats = json.loads(subprocess.run(
            ["ip", "netns", "exec", sw.net.players[i], "curl", "-s", "-m",
             "5", stats_url], check=True, stdout=subprocess.PIPE,
            text=True).stdout) if shutil.which("curl") else {}
        time.sleep(0.5)
        entries = read_log(sw.log)
        origin = media_bytes(entries[skip:], sw.net.ips[i])
        skip = len(entries)
        got = stats.get("http-bytes", 0) + stats.get("p2p-bytes", 0) + \
            stats.get("cache-bytes", 0)
        print("ffmpeg%d exit %d: origin media %d B, gateway stats http %d "
              "p2p %d cache %d upload %d, requests %d" % (
                  i + 1, ff.returncode, origin, stats.get("http-bytes", 0),
                  stats.get("p2p-bytes", 0), stats.get("cache-bytes", 0),
                  stats.get("upload-bytes", 0),
                  stats.get("gateway-requests", 0)))
        if ff.returncode != 0:
            print("FAIL: ffmpeg%d: %s" % (i + 1, ff_out.strip()[-300:]))
            return False
        with open(out, "rb") as f:
            outputs.append(f.read())
        shares.append(origin)
    ok = True
    if outputs[0] != outputs[1] or not outputs[0]:
        print("FAIL: the two remuxed files differ")
        ok = False
    print("second ffmpeg: %d of %d media bytes from the origin (%.1f%% from "
          "peers)" % (shares[1], shares[0], 100 * (1 - shares[1] / shares[0])))
    if shares[1] * 2 > shares[0]:
        print("FAIL: the second ffmpeg took less than half from peers")
        ok = False
    return ok


def scenario_tracker_restart(sw):
    """The tracker dies mid-stream and comes back on the same port: a
    player connected to a peer plays on, a player started while no tracker
    is up plays from HTTP and takes bytes from peers once its client has
    reconnected (with backoff) and the seeder's has re-announced."""
    refs, total_media, skip = baseline(sw)
    base = refs[sw.player_element(0)]
    _, first = seed(sw, 60)
    if not first:
        return False
    early = sw.player(1, "--sync")
    time.sleep(4)
    sw.kill_tracker()
    killed = time.time()
    late = sw.player(2, "--sync")
    time.sleep(3)
    sw.start_main_tracker()
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
        ok = played_like(rep, base) and ok
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


TURN_PORT = 3478


def wait_udp_port(ns, port, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        out = subprocess.run(["ip", "netns", "exec", ns, "ss", "-lun"],
                             stdout=subprocess.PIPE, text=True).stdout
        if ":%d " % port in out:
            return
        time.sleep(0.1)
    raise RuntimeError("nothing listens on UDP port %d" % port)


def scenario_relay_only(sw):
    """Two players with ice-relay-only, through coturn in the hub: the
    second plays what the first played (over HTTP) with bytes from it, and
    what the tracker relayed between them (offers and answers) holds only
    relayed candidates and neither player's address."""
    sw.procs.start(sw.net.hub, [
        "turnserver", "--listening-ip", sw.net.hub_ip,
        "--relay-ip", sw.net.hub_ip, "--listening-port", str(TURN_PORT),
        "--min-port", "49160", "--max-port", "49400", "--lt-cred-mech",
        "--user", "p2pcdn:secret", "--realm", "p2pcdn.test", "--no-tls",
        "--no-dtls", "--no-cli", "--no-stdout-log"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_udp_port(sw.net.hub, TURN_PORT)
    env = {"P2PCDN_ICE_RELAY_ONLY": "1",
           "P2PCDN_TURN": "turn://p2pcdn:secret@%s:%d" % (sw.net.hub_ip,
                                                           TURN_PORT)}
    _, first = seed(sw, 30, env=env)
    if not first:
        return False
    rep = report(sw.player(1, env=env), 60)
    s = rep.get("stats", {})
    print("leecher: eos=%s, %d bytes from peers, %d over HTTP, %d peers" % (
        rep["eos"], s.get("p2p-bytes", 0), s.get("http-bytes", 0),
        s.get("peers", 0)))
    ok = played_like(rep, first)
    if s.get("p2p-bytes", 0) == 0:
        print("FAIL: no bytes from the peer through the TURN server")
        ok = False

    with open(sw.tracker_log, errors="replace") as f:
        relayed = [line for line in f if "relaying " in line]
    # JSON text: the SDP's line ends are "\r\n"
    candidates = [c for line in relayed
                  for c in re.findall(r"a=candidate:([^\\\"]*)", line)]
    not_relay = [c for c in candidates if " typ relay" not in c]
    own = [line for line in relayed for ip in sw.net.ips[:2]
           if re.search(re.escape(ip) + r"\b", line)]
    print("tracker relayed %d descriptions, %d candidates, %d not relayed, "
          "%d naming a player's address" % (len(relayed), len(candidates),
                                            len(not_relay), len(own)))
    if not relayed or not candidates:
        print("FAIL: the tracker relayed no description with candidates")
        ok = False
    if not_relay:
        print("FAIL: candidates other than relayed ones left a player, e.g. "
              + not_relay[0])
        ok = False
    if own:
        print("FAIL: a player's address left it, e.g. " + own[0][:300])
        ok = False
    return ok


# The origin's faults in origin-errors, armed once the seeder holds the
# stream, for a few seconds while the players start: one segment is cut
# mid-body (each resume too, at half of what it asked), the next answers
# 503.
ORIGIN_FAULT_S = 6
ORIGIN_FAULTS = ["reset:/*hls/vod/v*/seg001.ts:%d" % ORIGIN_FAULT_S,
                 "503:/*hls/vod/v*/seg002.ts:%d" % ORIGIN_FAULT_S]


def stderr_file(sw, name):
    return open(os.path.join(sw.tmp, name + ".stderr"), "w+")


def criticals(f):
    """GLib-CRITICAL and GStreamer CRITICAL lines a process printed."""
    f.seek(0)
    return [line.rstrip() for line in f if "CRITICAL" in line]


def scenario_origin_errors(sw):
    """The origin fails segments while players start (ORIGIN_FAULTS): a
    player whose peer holds them plays to EOS with the HTTP-only output; a
    player in a swarm where nobody holds them ends exactly as souphttpsrc
    does under the same faults (same EOS or error, same output: hlsdemux
    skips a fragment that keeps failing, a cut body is resumed with Range);
    playback goes on after the origin recovers; nobody prints a
    CRITICAL."""
    refs, _, _ = baseline(sw)
    base = refs[sw.player_element(0)]
    _, first = seed(sw, 60)
    if not first:
        return False
    origin = "http://%s:8080" % sw.net.hub_ip
    # a swarm of its own (another master URL): no peer holds a thing
    alone = "p2phls+%s/redirect/0/hls/vod/master.m3u8" % origin
    soup = "%s/redirect/1/hls/vod/master.m3u8" % origin
    sw.origin.send_signal(signal.SIGUSR1)
    armed = time.time()
    errs = [stderr_file(sw, "player%d" % i) for i in (2, 3, 4)]
    players = [sw.player(1, "--sync", stderr=errs[0]),
               sw.player(2, "--sync", url=alone, stderr=errs[1]),
               sw.player(3, "--sync", "--no-p2p", url=soup, stderr=errs[2])]
    reps = [report(p, 120) for p in players]
    print("faults armed for %d s; players done %.1f s later" % (
        ORIGIN_FAULT_S, time.time() - armed))
    time.sleep(0.5)
    faulted = {}
    for e in read_log(sw.log):
        kind = "503" if e["status"] == 503 else "cut" if not e["finished"] \
            else None
        if kind:
            key = (e.get("remote_host"), kind)
            faulted[key] = faulted.get(key, 0) + 1
    ok = True
    for i, (rep, what) in enumerate(zip(reps, (
            "peer holds the segments", "no peer holds them",
            "souphttpsrc")), start=1):
        s = rep.get("stats", {})
        print("%-8s %-24s eos=%-5s %.1f s, stalls %d, cut %d, 503 %d, "
              "p2p %d B, video %d B, error %s" % (
                  rep["name"], what, rep["eos"], rep["seconds"],
                  rep.get("stalls", 0),
                  faulted.get((sw.net.ips[i], "cut"), 0),
                  faulted.get((sw.net.ips[i], "503"), 0),
                  s.get("p2p-bytes", 0), rep["video_bytes"], rep["error"]))
    print("HTTP-only without faults: video %d B" % base["video_bytes"])
    if os.environ.get("P2PCDN_SWARM_VERBOSE"):
        for e in read_log(sw.log):
            if e["path"].endswith(("seg001.ts", "seg002.ts", "seg003.ts")):
                print(e.get("remote_host"), e["path"], e["range"],
                      e["status"], e["bytes_sent"], e["finished"])
    for f in errs:
        lines = criticals(f)
        if lines:
            print("FAIL: %s: %s" % (f.name, "\n  ".join(lines[:5])))
            ok = False
    ok = played_like(reps[0], base) and ok
    alone_rep, soup_rep = reps[1], reps[2]
    for kind in ("cut", "503"):
        if faulted.get((sw.net.ips[3], kind), 0) == 0:
            print("FAIL: souphttpsrc met no %s: nothing shown" % kind)
            ok = False
    if (alone_rep["eos"], alone_rep["video_sha256"],
            alone_rep["audio_sha256"]) != (soup_rep["eos"],
                                           soup_rep["video_sha256"],
                                           soup_rep["audio_sha256"]):
        print("FAIL: without a peer, the player did not end as souphttpsrc "
              "did")
        ok = False
    if bool(alone_rep["error"]) != bool(soup_rep["error"]) or (
            alone_rep["error"] and alone_rep["error"].split(": ", 1)[1] !=
            soup_rep["error"].split(": ", 1)[1]):
        print("FAIL: errors differ: %r, souphttpsrc %r" % (
            alone_rep["error"], soup_rep["error"]))
        ok = False
    return ok


# link-down: when player 1's link goes down (seconds after the first
# player started) and for how long.
LINK_DOWN_AT_S = 10
LINK_DOWN_S = 5


def scenario_link_down(sw):
    """Live: three players share a stream; the first one's link goes down
    for LINK_DOWN_S seconds mid-run, and so does a souphttpsrc player's at
    the same time.  The other two lose their best peer and must not stall
    (the deadline hands its segments over to HTTP) and reach EOS; the cut
    player must not crash and ends as the cut souphttpsrc player does (EOS
    once its link is back, if that one reaches it); nobody prints a
    CRITICAL.  Stalls are reported for all four."""
    sw.url = "p2phls+http://%s:8080/live/hls/master.m3u8" % sw.net.hub_ip
    errs = [stderr_file(sw, "player%d" % (i + 1)) for i in range(4)]
    players = []
    start = time.time()
    for i in range(3):
        players.append(sw.player(i, "--sync", "--linger", "3",
                                 stderr=errs[i]))
        time.sleep(1.5)
    # souphttpsrc: the plain URL
    players.append(sw.player(3, "--sync", "--no-p2p", stderr=errs[3],
                             url=sw.url.replace("p2phls+", "")))
    time.sleep(max(0.0, LINK_DOWN_AT_S - (time.time() - start)))
    for i in (0, 3):
        sw.net.set_link(i, False)
    down = time.time()
    time.sleep(LINK_DOWN_S)
    for i in (0, 3):
        sw.net.set_link(i, True)
    print("links of player1 and player4 down from %.1f s to %.1f s" % (
        down - start, time.time() - start))
    reps = [report(p, 120) for p in players]
    codes = [p.returncode for p in players]
    ok = True
    for i, (rep, what) in enumerate(zip(reps, ("cut", "peer of the cut",
                                               "peer of the cut",
                                               "souphttpsrc, cut"))):
        s = rep.get("stats", {})
        print("%-8s %-16s exit %d eos=%-5s %.1f s, video %d B | stalls %d "
              "(%.1f s) | p2p %d B, http %d B, upload %d B | error %s" % (
                  rep["name"], what, codes[i], rep["eos"], rep["seconds"],
                  rep["video_bytes"], rep.get("stalls", 0),
                  rep.get("stalled_s", 0.0),
                  s.get("p2p-bytes", 0), s.get("http-bytes", 0),
                  s.get("upload-bytes", 0), rep["error"]))
        if codes[i] not in (0, 1):
            print("FAIL: %s exited with %d" % (rep["name"], codes[i]))
            ok = False
    for f in errs:
        lines = criticals(f)
        if lines:
            print("FAIL: %s: %s" % (f.name, "\n  ".join(lines[:5])))
            ok = False
    for rep in reps[1:3]:
        if not rep["eos"]:
            print("FAIL: %s did not reach EOS: %s" % (rep["name"],
                                                      rep["error"]))
            ok = False
        if rep.get("stalls", 0):
            print("FAIL: %s stalled when its peer's link went down"
                  % rep["name"])
            ok = False
    if reps[3]["eos"] and not reps[0]["eos"]:
        print("FAIL: the cut player did not reach EOS, the cut souphttpsrc "
              "player did")
        ok = False
    if sum(r.get("stats", {}).get("upload-bytes", 0) for r in reps) == 0:
        print("FAIL: nobody shared: nothing shown")
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


def seed(sw, linger, env=None):
    """Player 1 plays the stream to EOS and stays @linger seconds to serve
    it: its process and its report, or None for the report (with a FAIL
    line) when it did not play."""
    seeder = sw.player(0, "--linger", str(linger), env=env)
    first = report_line_when_done(seeder)
    if not first["eos"]:
        print("FAIL: seeder did not play: %s" % first["error"])
        return seeder, None
    return seeder, first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--content", default=None)
    ap.add_argument("--content-script", default=None,
                    help="make-content.sh: generates (once) and prints the "
                    "content directory")
    ap.add_argument("--scenario", choices=["three-players", "peer-leaves",
                                           "live", "debug-log", "config",
                                           "http-headers", "bad-peers",
                                           "abusive-peers", "lazy-peers",
                                           "gateway-ffmpeg", "tracker-restart",
                                           "relay-only", "origin-errors",
                                           "link-down"],
                    default="three-players")
    ap.add_argument("--tracker", choices=["ours", "bittorrent-tracker"],
                    default="ours")
    ap.add_argument("--node-modules", default=None)
    ap.add_argument("--abuse-modes", default=None,
                    help="abusive-peers, lazy-peers: p2pcdn-bad-peer modes, "
                    "one peer each (default: the scenario's)")
    ap.add_argument("--segment-hashes", action="store_true",
                    help="players check peers' segments against the "
                    "origin's segments-sha256.json")
    ap.add_argument("--no-hash-list", action="store_true",
                    help="bad-peers: players without the segment hash list")
    ap.add_argument("--player", choices=["playbin", "playbin3", "mixed"],
                    default="playbin")
    ap.add_argument("--stream", choices=["hls", "dash"], default="hls")
    args = ap.parse_args()

    if not args.content:
        out = subprocess.run(["sh", args.content_script], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        args.content = out.strip().splitlines()[-1]
    if os.geteuid() != 0 or not shutil.which("ip"):
        print("SKIP: needs root and iproute2 for network namespaces")
        return SKIP
    if args.scenario == "relay-only" and not shutil.which("turnserver"):
        print("SKIP: relay-only needs coturn's turnserver (apt-get install "
              "coturn)")
        return SKIP
    if args.tracker == "bittorrent-tracker":
        if not shutil.which("node") or not args.node_modules or \
                not os.path.isdir(os.path.join(args.node_modules,
                                               "bittorrent-tracker")):
            print("SKIP: bittorrent-tracker is not installed (npm install "
                  "--ignore-scripts bittorrent-tracker)")
            return SKIP

    modes = args.abuse_modes.split(",") if args.abuse_modes else \
        ABUSE_MODES.get(args.scenario, [])
    n_ns = {"peer-leaves": 2, "gateway-ffmpeg": 2, "debug-log": 2, "config": 2, "http-headers": 2,
            "relay-only": 2,
            "bad-peers": 3 + len(BAD_MODES),
            "abusive-peers": 3 + len(modes), "lazy-peers": 3 + len(modes)}
    n_ns["origin-errors"] = 4
    n_ns["link-down"] = 4
    sw = Swarm(args, n_ns.get(args.scenario, 3))
    if args.scenario == "origin-errors":
        sw.origin_args = ["--faults-wait"] + [
            a for f in ORIGIN_FAULTS for a in ("--fault", f)]
    try:
        if args.scenario == "relay-only":
            sw.tracker_log = os.path.join(sw.tmp, "tracker.stderr")
        sw.start_servers()
        if args.scenario == "three-players":
            ok = scenario_three_players(sw)
        elif args.scenario == "live":
            ok = scenario_live(sw)
        elif args.scenario == "debug-log":
            ok = scenario_debug_log(sw)
        elif args.scenario == "config":
            ok = scenario_config(sw)
        elif args.scenario == "http-headers":
            ok = scenario_http_headers(sw)
        elif args.scenario == "bad-peers":
            ok = scenario_bad_peers(sw)
        elif args.scenario in ABUSE_MODES:
            ok = scenario_abusive_peers(sw, modes,
                                        args.scenario == "abusive-peers")
        elif args.scenario == "gateway-ffmpeg":
            ok = scenario_gateway_ffmpeg(sw)
        elif args.scenario == "tracker-restart":
            ok = scenario_tracker_restart(sw)
        elif args.scenario == "relay-only":
            ok = scenario_relay_only(sw)
        elif args.scenario == "origin-errors":
            ok = scenario_origin_errors(sw)
        elif args.scenario == "link-down":
            ok = scenario_link_down(sw)
        else:
            ok = scenario_peer_leaves(sw)
    finally:
        sw.close()
    if ok is None:
        return SKIP
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
