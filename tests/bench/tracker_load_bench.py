#!/usr/bin/env python3
# gst-p2pcdn: memory per idle WebSocket and flood fairness of two trackers.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# In one run, against p2pcdn-tracker and bittorrent-tracker (npm) in turn:
#  1. memory: opens --connections idle WebSockets (spread over source
#     addresses 127.0.1.x, at most --per-address each), reads the tracker's
#     RSS (/proc/PID/status VmRSS) before and after, then has each announce
#     once (one of --swarms swarms, no offers) and reads it again;
#  2. flood: --flood-connections sockets from 127.0.2.1 (a separate process)
#     send announces with 5 offers of 600-byte SDP as fast as they can into
#     a swarm of 10 peers, while 10 victims from 127.0.3.1 each announce
#     every 2 s in their own swarm; prints the victims' announce -> reply
#     latency with and without the flood, and how many got no reply
#     (--hold: while the idle connections of step 1 are still open).
# Not a CI test (about two minutes on 2 cores); a smoke run is
# `--connections 200 --flood-seconds 2` (tests/bench/meson.build).
#
#   nice python3 tests/bench/tracker_load_bench.py --build build \
#     --node-modules tests/swarm/npm/node_modules
#
# Needs a descriptor limit (ulimit -n) of --connections + 1000.

import argparse
import asyncio
import base64
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SDP = "v=0\r\n" + "a=x-filler:" + "x" * 580 + "\r\n"


def ws_frame(text):
    """A masked client text frame."""
    payload = text.encode()
    mask = os.urandom(4)
    n = len(payload)
    if n < 126:
        head = bytes([0x81, 0x80 | n])
    elif n < 65536:
        head = bytes([0x81, 0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head = bytes([0x81, 0x80 | 127]) + n.to_bytes(8, "big")
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + masked


def frames(buf):
    """Splits complete server frames off @buf: (texts, rest)."""
    out = []
    while len(buf) >= 2:
        n = buf[1] & 0x7F
        off = 2
        if n == 126:
            if len(buf) < 4:
                break
            n = int.from_bytes(buf[2:4], "big")
            off = 4
        elif n == 127:
            if len(buf) < 10:
                break
            n = int.from_bytes(buf[2:10], "big")
            off = 10
        if len(buf) < off + n:
            break
        if buf[0] & 0x0F == 1:
            out.append(buf[off:off + n].decode("utf-8", "replace"))
        buf = buf[off + n:]
    return out, buf


def rid(prefix):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return prefix + "".join(random.choice(alphabet)
                            for _ in range(20 - len(prefix)))


def announce(info_hash, peer_id, offers=0, event="started"):
    msg = {"action": "announce", "info_hash": info_hash, "peer_id": peer_id,
           "event": event, "numwant": offers, "uploaded": 0,
           "downloaded": 0, "left": 1,
           "offers": [{"offer_id": rid("o"),
                       "offer": {"type": "offer", "sdp": SDP}}
                      for _ in range(offers)]}
    return ws_frame(json.dumps(msg))


async def ws_connect(host, port, source):
    return await asyncio.wait_for(ws_handshake(host, port, source), 20)


async def ws_handshake(host, port, source):
    reader, writer = await asyncio.open_connection(
        host, port, local_addr=(source, 0))
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(("GET / HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n" % (host, port, key))
                 .encode())
    head = await reader.readuntil(b"\r\n\r\n")
    if b" 101 " not in head.split(b"\r\n")[0]:
        writer.close()
        raise ConnectionError(head.split(b"\r\n")[0].decode())
    return reader, writer


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for %d" % pid)


def source_address(i, per_address):
    n = i // per_address
    return "127.0.1.%d" % (n + 1) if n < 254 else "127.0.%d.%d" % (
        10 + n // 254, n % 254 + 1)


async def memory_phase(name, pid, port, args):
    conns = []
    sem = asyncio.Semaphore(200)
    failed = 0

    async def one(i):
        nonlocal failed
        async with sem:
            try:
                conns.append(await ws_connect(
                    "127.0.0.1", port, source_address(i, args.per_address)))
            except (OSError, ConnectionError, asyncio.IncompleteReadError):
                failed += 1

    await asyncio.sleep(1)
    before = rss_kb(pid)
    t0 = time.time()
    await asyncio.gather(*(one(i) for i in range(args.connections)))
    took = time.time() - t0
    await asyncio.sleep(2)
    idle = rss_kb(pid)

    swarms = [rid("swarm") for _ in range(args.swarms)]
    for i, (_, w) in enumerate(conns):
        w.write(announce(swarms[i % len(swarms)], rid("-PM0203-")))
    replies = 0

    async def drain(r):
        nonlocal replies
        try:
            data = await asyncio.wait_for(r.read(4096), 10)
            if data:
                replies += 1
        except asyncio.TimeoutError:
            pass
    await asyncio.gather(*(drain(r) for r, _ in conns))
    await asyncio.sleep(2)
    announced = rss_kb(pid)
    n = len(conns)
    per = (idle - before) * 1024 / n if n else 0
    per_ann = (announced - before) * 1024 / n if n else 0
    print("%-18s %6d connected (%d failed) in %.1f s | RSS %7.1f MB before, "
          "%7.1f MB idle, %7.1f MB after one announce each (%d replies) | "
          "%6.0f B/connection idle, %6.0f B announced" % (
              name, n, failed, took, before / 1024, idle / 1024,
              announced / 1024, replies, per, per_ann))
    flood = None
    if args.hold:
        flood = await flood_phase(name + " (held)", pid, port, args)
    for _, w in conns:
        w.close()
    await asyncio.sleep(3)
    return {"tracker": name, "connections": n, "failed": failed,
            "flood_while_held": flood,
            "rss_before_kb": before, "rss_idle_kb": idle,
            "rss_announced_kb": announced,
            "bytes_per_connection_idle": round(per),
            "bytes_per_connection_announced": round(per_ann)}


async def victims(port, seconds, n=10, period=2.0):
    """n victims each announcing every @period s; latencies in ms."""
    lat = []
    lost = 0
    conns = [await ws_connect("127.0.0.1", port, "127.0.3.1")
             for _ in range(n)]

    async def run(r, w, k):
        nonlocal lost
        info_hash = rid("victim%d-" % k)
        peer_id = rid("-PM0203-")
        buf = b""
        end = time.time() + seconds
        await asyncio.sleep(period * k / n)
        while time.time() < end:
            t0 = time.monotonic()
            w.write(announce(info_hash, peer_id, event="update"))
            got = False
            deadline = t0 + 5
            while not got and time.monotonic() < deadline:
                try:
                    data = await asyncio.wait_for(
                        r.read(65536), deadline - time.monotonic())
                except asyncio.TimeoutError:
                    break
                if not data:
                    break
                texts, buf = frames(buf + data)
                for t in texts:
                    m = json.loads(t)
                    if m.get("info_hash") == info_hash and \
                            "interval" in m:
                        got = True
            if got:
                lat.append((time.monotonic() - t0) * 1000)
            else:
                lost += 1
            await asyncio.sleep(max(0, period - (time.monotonic() - t0)))
    await asyncio.gather(*(run(r, w, k) for k, (r, w) in enumerate(conns)))
    for _, w in conns:
        w.close()
    return lat, lost


def latency_line(label, lat, lost):
    if not lat:
        return "%s: no replies, %d lost" % (label, lost)
    lat = sorted(lat)
    return "%s: %d replies, %d lost, p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (
        label, len(lat), lost, statistics.median(lat),
        lat[min(len(lat) - 1, int(len(lat) * 0.99))], lat[-1])


async def flood_main(port, n, seconds, swarm):
    """The flooder process: n sockets announcing with offers flat out."""
    conns = [await ws_connect("127.0.0.1", port, "127.0.2.1")
             for _ in range(n)]
    sent = 0
    received = 0
    end = time.time() + seconds

    async def reader(r):
        nonlocal received
        while True:
            try:
                data = await r.read(65536)
            except OSError:
                return
            if not data:
                return
            received += len(data)

    async def writer(w):
        nonlocal sent
        peer_id = rid("-FLOOD0-")
        msg = announce(swarm, peer_id, offers=5, event="update")
        while time.time() < end and not w.is_closing():
            w.write(msg)
            sent += 1
            try:
                await asyncio.wait_for(w.drain(), max(0.1, end - time.time()))
            except (OSError, asyncio.TimeoutError):
                return
    readers = [asyncio.ensure_future(reader(r)) for r, _ in conns]
    await asyncio.gather(*(writer(w) for _, w in conns))
    for t in readers:
        t.cancel()
    print(json.dumps({"sent": sent, "received_bytes": received}), flush=True)
    os._exit(0)


async def flood_phase(name, pid, port, args):
    # 10 peers in the flooded swarm, so that offers are really forwarded
    swarm = rid("flooded")
    targets = []
    for _ in range(10):
        r, w = await ws_connect("127.0.0.1", port, "127.0.4.1")
        w.write(announce(swarm, rid("-PM0203-")))
        targets.append((r, w))

    async def sink(r):
        try:
            while await r.read(65536):
                pass
        except OSError:
            pass
    sinks = [asyncio.ensure_future(sink(r)) for r, _ in targets]

    lat0, lost0 = await victims(port, args.quiet_seconds)
    cpu0 = cpu_seconds(pid)
    flooder = await asyncio.create_subprocess_exec(
        "nice", sys.executable, os.path.abspath(__file__), "--flood-port",
        str(port), "--flood-connections", str(args.flood_connections),
        "--flood-seconds", str(args.flood_seconds), "--flood-swarm", swarm,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    await asyncio.sleep(1)
    lat1, lost1 = await victims(port, args.flood_seconds - 2)
    out, _ = await asyncio.wait_for(flooder.communicate(), 30)
    cpu1 = cpu_seconds(pid)
    flood = json.loads(out.decode().strip().splitlines()[-1])
    print("%-18s %s" % (name, latency_line("victims, no flood", lat0, lost0)))
    print("%-18s %s" % (name, latency_line("victims, flood   ", lat1, lost1)))
    print("%-18s flood: %d announces with 5 offers sent from one address in "
          "%d s; tracker CPU %.1f s during it" % (
              name, flood["sent"], args.flood_seconds, cpu1 - cpu0))
    stats = None
    if name.startswith("p2pcdn-tracker"):
        with urllib.request.urlopen("http://127.0.0.1:%d/stats" % port) as r:
            stats = json.load(r)
        stats.pop("swarm_peers", None)
        print("%-18s stats after the flood: %d offers forwarded, %d announces "
              "and %d offers refused over the rate" % (
                  name, stats["offers_forwarded"],
                  stats["announces_rate_limited"],
                  stats["offers_rate_limited"]))
    for t in sinks:
        t.cancel()
    for _, w in targets:
        w.close()
    return {"tracker": name, "stats": stats, "quiet_ms": sorted(lat0), "quiet_lost": lost0,
            "flood_ms": sorted(lat1), "flood_lost": lost1,
            "flood_sent": flood["sent"], "tracker_cpu_s": cpu1 - cpu0}


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(argv, ready):
    # bittorrent-tracker warns on stderr for each socket the flood resets
    p = subprocess.Popen(["nice"] + argv, stdout=subprocess.PIPE, text=True,
                         stderr=subprocess.DEVNULL)
    end = time.time() + 20
    while time.time() < end:
        line = p.stdout.readline()
        if line.startswith(ready):
            return p
        if not line and p.poll() is not None:
            break
    p.kill()
    raise RuntimeError("%s did not start" % argv)


def pid_of(p):
    """The tracker's own pid under `nice` (which execs)."""
    return p.pid


async def bench(args):
    results = {"memory": [], "flood": []}
    port = free_port()
    ours = start([os.path.join(args.build, "tools", "tracker",
                               "p2pcdn-tracker"), "--port", str(port),
                  "--max-connections", str(args.connections + 200)],
                 "p2pcdn-tracker listening")
    trackers = [("p2pcdn-tracker", ours, port)]
    if args.node_modules:
        bport = free_port()
        theirs = start(["node", os.path.join(HERE, "..", "swarm",
                                             "bittorrent-tracker-server.mjs"),
                        args.node_modules, "127.0.0.1", str(bport)],
                       "bittorrent-tracker listening")
        trackers.append(("bittorrent-tracker", theirs, bport))
    try:
        for name, proc, p in trackers:
            results["memory"].append(
                await memory_phase(name, pid_of(proc), p, args))
        for name, proc, p in trackers:
            if not args.hold:
                results["flood"].append(
                    await flood_phase(name, pid_of(proc), p, args))
    finally:
        for _, proc, _ in trackers:
            # bittorrent-tracker's close waits for sockets to drain
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build")
    ap.add_argument("--node-modules")
    ap.add_argument("--connections", type=int, default=10000)
    ap.add_argument("--per-address", type=int, default=250)
    ap.add_argument("--swarms", type=int, default=100)
    ap.add_argument("--flood-connections", type=int, default=20)
    ap.add_argument("--flood-seconds", type=int, default=12)
    ap.add_argument("--quiet-seconds", type=int, default=6)
    ap.add_argument("--hold", action="store_true",
                    help="run the flood while the idle connections are "
                    "still open, instead of after")
    ap.add_argument("--json", help="also write the figures here")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 unless every connection opened and our "
                    "tracker answered every victim within 1 s under flood")
    ap.add_argument("--flood-port", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--flood-swarm", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.flood_port:
        asyncio.run(flood_main(args.flood_port, args.flood_connections,
                               args.flood_seconds, args.flood_swarm))
        return 0
    if not args.build:
        ap.error("--build is required")
    # the trackers are measured one at a time: one set of sockets open
    need = args.connections + 1000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE,
                               (need, max(hard, need)))
        except (ValueError, OSError):
            print("SKIP: cannot raise the descriptor limit to %d "
                  "(ulimit -n)" % need)
            return 77
    if args.node_modules and not os.path.isdir(
            os.path.join(args.node_modules, "bittorrent-tracker")):
        print("bittorrent-tracker not installed in %s: ours only"
              % args.node_modules)
        args.node_modules = None
    results = asyncio.run(bench(args))
    if args.check:
        mem = results["memory"][0]
        flood = mem["flood_while_held"] if args.hold else \
            results["flood"][0]
        bad = []
        if mem["failed"]:
            bad.append("%d connections failed" % mem["failed"])
        if flood["flood_lost"] or not flood["flood_ms"] or \
                flood["flood_ms"][-1] > 1000:
            bad.append("victims starved under flood")
        if flood["stats"]["announces_rate_limited"] == 0:
            bad.append("the flood was never rate limited")
        print("FAIL: " + "; ".join(bad) if bad else "PASS")
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
