# gst-p2pcdn: a private network of namespaces, and the processes run in it.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Used by swarm_test.py and tests/bench/swarm_bench.py.  A hub namespace
# holds a bridge (br0, HUB_IP) where servers run; each player namespace is
# joined to it by a veth pair: vpI in the player's namespace, vhI in the hub.
# Traffic stays inside namespaces created here, and teardown() deletes them.

import os
import random
import signal
import subprocess


def _run(cmd, check=True):
    subprocess.run(cmd, check=check, stdout=subprocess.DEVNULL)


def _tbf(rate):
    """tbf arguments for a rate such as '2mbit': the bucket holds about
    20 ms of traffic (at least 16 KiB, more than one MTU)."""
    units = {"kbit": 1e3, "mbit": 1e6, "gbit": 1e9, "bit": 1}
    bits = None
    for suffix, mult in units.items():
        if rate.endswith(suffix):
            bits = float(rate[:-len(suffix)]) * mult
            break
    if bits is None:
        raise ValueError("rate must end in bit, kbit, mbit or gbit: %r" % rate)
    burst = max(16384, int(bits / 8 / 50))
    return ["tbf", "rate", rate, "burst", str(burst), "latency", "400ms"]


class Net:
    """A hub namespace with a bridge and N player namespaces."""

    def __init__(self, n_players):
        tag = "%x" % (os.getpid() & 0xFFFF)
        self.subnet = "10.77.%d" % random.randint(2, 250)
        self.hub = "p2ph-" + tag
        self.players = ["p2p%d-%s" % (i + 1, tag) for i in range(n_players)]
        self.hub_ip = self.subnet + ".1"
        self.ips = ["%s.%d" % (self.subnet, 11 + i) for i in range(n_players)]
        self.created = []
        try:
            self._setup()
        except BaseException:
            self.teardown()
            raise

    def _ip(self, *args, ns=None):
        cmd = (["ip", "netns", "exec", ns] if ns else []) + ["ip"] + list(args)
        _run(cmd)

    def _setup(self):
        _run(["ip", "netns", "add", self.hub])
        self.created.append(self.hub)
        self._ip("link", "set", "lo", "up", ns=self.hub)
        self._ip("link", "add", "br0", "type", "bridge", ns=self.hub)
        self._ip("addr", "add", self.hub_ip + "/24", "dev", "br0", ns=self.hub)
        self._ip("link", "set", "br0", "up", ns=self.hub)
        for i, (ns, addr) in enumerate(zip(self.players, self.ips)):
            _run(["ip", "netns", "add", ns])
            self.created.append(ns)
            self._ip("link", "set", "lo", "up", ns=ns)
            self._ip("link", "add", "vp%d" % i, "netns", ns, "type", "veth",
                     "peer", "name", "vh%d" % i, "netns", self.hub)
            self._ip("addr", "add", addr + "/24", "dev", "vp%d" % i, ns=ns)
            self._ip("link", "set", "vp%d" % i, "up", ns=ns)
            self._ip("link", "set", "vh%d" % i, "master", "br0", ns=self.hub)
            self._ip("link", "set", "vh%d" % i, "up", ns=self.hub)

    def _tc(self, ns, dev, rate):
        _run(["ip", "netns", "exec", ns, "tc", "qdisc", "replace", "dev", dev,
              "root"] + _tbf(rate))

    def shape(self, i, rate):
        """Limits what player i sends (its uplink): tbf on its veth end."""
        self._tc(self.players[i], "vp%d" % i, rate)

    def shape_down(self, i, rate):
        """Limits what player i receives (its downlink): tbf on the hub's
        veth end, whose egress is the player's ingress."""
        self._tc(self.hub, "vh%d" % i, rate)

    def set_link(self, i, up):
        """Takes player i's link down (routes gone, sends fail at once)
        or brings it back."""
        self._ip("link", "set", "vp%d" % i, "up" if up else "down",
                 ns=self.players[i])

    def teardown(self):
        for ns in reversed(self.created):
            kill_namespace_pids(ns)
            subprocess.run(["ip", "netns", "del", ns], check=False)
        self.created = []


def kill_namespace_pids(ns):
    """SIGKILLs what still runs in a namespace this module created."""
    out = subprocess.run(["ip", "netns", "pids", ns], check=False, text=True,
                         stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL).stdout
    for pid in out.split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass


class Procs:
    def __init__(self):
        self.procs = []

    def start(self, ns, argv, **kw):
        p = subprocess.Popen(["ip", "netns", "exec", ns] + argv, **kw)
        self.procs.append(p)
        return p

    def stop_all(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
