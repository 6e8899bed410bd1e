# gst-p2pcdn swarm benchmark: one run of one scenario in one mode.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Starts the origin (fresh live clock, fresh request log) and the tracker in
# the hub namespace, starts each player in its namespace at its join time
# with stdout and stderr in files under the run directory, carries out the
# scenario's kills and reshapes, and ends every player: a player still
# running 20 s after its own --timeout gets SIGTERM (it then prints its
# report), 5 s later SIGKILL.  Returns what was recorded; bench_metrics.py
# makes numbers of it.

import json
import os
import re
import signal
import subprocess
import time

from netns import Procs

POLL = 0.2
GRACE_TERM = 20
GRACE_KILL = 5
# GLib criticals and warnings, g_error, sanitizers, the shell's word for SIGSEGV
BAD_LINE = re.compile(r"CRITICAL|WARNING \*\*|ERROR \*\*|Segmentation fault|"
                      r"AddressSanitizer|runtime error:")


def wait_line(path, prefix, proc, timeout=15):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with open(path) as f:
            for line in f:
                if line.startswith(prefix):
                    return
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError("no '%s' in %s" % (prefix, path))


class Player:
    def __init__(self, index, ns, ip, out, err):
        self.index = index
        self.name = "player%d" % (index + 1)
        self.ns = ns
        self.ip = ip
        self.out = out
        self.err = err
        self.proc = None
        self.started = None      # seconds after t0
        self.deadline = None
        self.signals = []        # what this harness sent it
        self.killed_by_scenario = False


def _servers(cfg, net, procs, rundir, live_segments):
    log = os.path.join(rundir, "origin.log")
    out = os.path.join(rundir, "origin.out")
    b = cfg.build
    with open(out, "w") as f:
        origin = procs.start(net.hub, [
            os.path.join(b, "tools", "origin", "p2pcdn-origin"), "--content",
            cfg.content, "--bind", net.hub_ip, "--port", "8080", "--log", log,
            "--live-segments", str(live_segments or 15)],
            stdout=f, stderr=subprocess.STDOUT, env=cfg.env)
    wait_line(out, "p2pcdn-origin listening", origin)
    t0 = time.monotonic()
    out = os.path.join(rundir, "tracker.out")
    with open(out, "w") as f:
        if cfg.tracker == "ours":
            tracker = procs.start(net.hub, [
                os.path.join(b, "tools", "tracker", "p2pcdn-tracker"),
                "--bind", net.hub_ip, "--port", "8000"],
                stdout=f, stderr=subprocess.STDOUT, env=cfg.env)
            wait_line(out, "p2pcdn-tracker listening", tracker)
        else:
            tracker = procs.start(net.hub, [
                "node", cfg.tracker_script, cfg.node_modules, net.hub_ip,
                "8000"], stdout=f, stderr=subprocess.STDOUT, env=cfg.env)
            wait_line(out, "bittorrent-tracker listening", tracker)
    return log, t0


def _start_player(cfg, sc, mode, net, procs, pl, url, t0):
    argv = [os.path.join(cfg.build, "tools", "play", "p2pcdn-play"),
            "--name", pl.name, "--trackers", "ws://%s:8000" % net.hub_ip,
            "--sync", "--progress", "--timeout", str(sc.timeouts[pl.index]),
            "--linger", str(sc.linger[pl.index])]
    if mode == "http":
        argv.append("--no-p2p")
    argv.append(url)
    # e.g. "gdb -batch -ex run -ex bt --args" for a backtrace in the stderr
    # file (the report is then not the last line of stdout: gdb prints too)
    wrapper = os.environ.get("P2PCDN_PLAYER_WRAPPER")
    if wrapper:
        argv = wrapper.split() + argv
    with open(pl.out, "w") as out, open(pl.err, "w") as err:
        pl.proc = procs.start(pl.ns, argv, stdout=out, stderr=err,
                              env=cfg.env)
    pl.started = time.monotonic() - t0
    pl.deadline = pl.started + sc.timeouts[pl.index] + \
        sc.linger[pl.index] + GRACE_TERM


def _signal(pl, sig):
    if pl.proc.poll() is None:
        pl.proc.send_signal(sig)
        pl.signals.append(signal.Signals(sig).name)


def _police(pl, now):
    """Ends a player that overran its own timeout."""
    if pl.proc is None or pl.proc.poll() is not None:
        return
    if now > pl.deadline + GRACE_KILL:
        _signal(pl, signal.SIGKILL)
    elif now > pl.deadline and "SIGTERM" not in pl.signals:
        _signal(pl, signal.SIGTERM)


def run(cfg, net, sc, mode, rundir):
    """Runs scenario @sc with players in @mode ("http" or "p2p")."""
    os.makedirs(rundir, exist_ok=True)
    n = len(sc.joins)
    for i in range(n):
        net.shape(i, cfg.uplink)
        net.shape_down(i, cfg.downlink)
    procs = Procs()
    players = [Player(i, net.players[i], net.ips[i],
                      os.path.join(rundir, "player%d.out" % (i + 1)),
                      os.path.join(rundir, "player%d.err" % (i + 1)))
               for i in range(n)]
    events = [(t, "join", i) for i, t in enumerate(sc.joins)]
    events += [(t, "kill", i) for t, i in sc.kills]
    events += [(t, "reshape", rate) for t, rate in sc.reshapes]
    events.sort(key=lambda e: e[0])
    done_events = []
    try:
        log, t0 = _servers(cfg, net, procs, rundir, sc.live_segments)
        url = "p2phls+http://%s:8080%s" % (net.hub_ip, sc.path)
        while True:
            now = time.monotonic() - t0
            while events and events[0][0] <= now:
                t, kind, arg = events.pop(0)
                done_events.append({"t": round(now, 3), "kind": kind,
                                    "arg": arg})
                if kind == "join":
                    _start_player(cfg, sc, mode, net, procs, players[arg],
                                  url, t0)
                elif kind == "kill":
                    players[arg].killed_by_scenario = True
                    _signal(players[arg], signal.SIGKILL)
                else:
                    for i in range(n):
                        net.shape_down(i, arg)
            for pl in players:
                _police(pl, now)
            if not events and all(p.proc.poll() is not None for p in players):
                break
            time.sleep(POLL)
        duration = time.monotonic() - t0
    finally:
        for pl in players:
            if pl.proc is not None and pl.proc.poll() is None:
                _signal(pl, signal.SIGKILL)
        procs.stop_all()
    return {
        "scenario": sc.name, "mode": mode, "t0_monotonic_us": int(t0 * 1e6),
        "duration_s": round(duration, 3), "events": done_events,
        "origin_log": read_jsonl(log), "rundir": rundir,
        "players": [collect(pl) for pl in players],
    }


def read_jsonl(path):
    entries = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    entries.append(json.loads(line))
    return entries


def collect(pl):
    """The player's report (or, if it printed none, its last sample), its
    exit and the alarming lines of its stderr."""
    report, samples = None, []
    for obj in read_jsonl(pl.out):
        if "sample" in obj:
            samples.append(obj["sample"])
        else:
            report = obj
    bad = []
    with open(pl.out, errors="replace") as f:
        # a crash under P2PCDN_PLAYER_WRAPPER=gdb
        bad += [line.rstrip()[:300] for line in f if "received signal" in line]
    with open(pl.err, errors="replace") as f:
        for line in f:
            if BAD_LINE.search(line):
                bad.append(line.rstrip()[:300])
    rc = pl.proc.returncode
    return {
        "name": pl.name, "ip": pl.ip, "started_s": round(pl.started, 3),
        "returncode": rc, "signals_sent": pl.signals,
        "killed_by_scenario": pl.killed_by_scenario,
        "report": report, "samples": samples if report is None else
        report.get("series", []), "bad_lines": bad,
        "stdout": pl.out, "stderr": pl.err,
    }
