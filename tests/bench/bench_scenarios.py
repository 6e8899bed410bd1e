# gst-p2pcdn swarm benchmark: the scenarios.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A scenario says what the players play, when each joins (seconds after the
# origin started its live clock), and what happens during the run: players
# SIGKILLed, downlinks reshaped.  Times are seconds after the origin start.

from dataclasses import dataclass, field

SEGMENT = 2          # seconds per segment of the test content
VOD_LENGTH = 20      # seconds of /hls/vod/
FIRST_JOIN = 1.0     # the first segment is published within 1 s


@dataclass
class Scenario:
    name: str
    path: str                        # URL path on the origin
    live_segments: int               # origin --live-segments (0 for VOD)
    joins: list                      # join time of each player
    linger: list                     # --linger of each player
    kills: list = field(default_factory=list)     # (time, player index)
    reshapes: list = field(default_factory=list)  # (time, downlink rate)
    timeouts: list = field(default_factory=list)  # --timeout of each player
    note: str = ""

    @property
    def live(self):
        return self.live_segments > 0


def _spread(n, seconds):
    if n == 1:
        return [FIRST_JOIN]
    return [FIRST_JOIN + seconds * i / (n - 1) for i in range(n)]


def _live(name, n, spread, segments, note, args, **kw):
    if args.live_segments:
        segments = args.live_segments
        note += " (stream cut to %d s by --live-segments)" % (
            segments * SEGMENT)
    joins = _spread(n, spread)
    end = segments * SEGMENT
    # a live player plays from its join to the end of the stream; it stays
    # 5 s after its end to serve peers that are a little behind
    timeouts = [int(end - j + 60) for j in joins]
    return Scenario(name, "/live/hls/master.m3u8", segments, joins,
                    [5] * n, timeouts=timeouts, note=note, **kw)


def live_join5(n, args):
    return _live("live-join5", n, 5, 30,
                 "live HLS, 60 s, all players join within 5 s", args)


def live_join60(n, args):
    return _live("live-join60", n, 60, 60,
                 "live HLS, 120 s, joins spread over 60 s (the last "
                 "player watches 60 s)", args)


def vod_staggered(n, args):
    joins = [FIRST_JOIN + 3 * i for i in range(n)]
    last_end = joins[-1] + VOD_LENGTH
    # each stays until the last one ends: a longer video, watched together
    linger = [int(last_end - (j + VOD_LENGTH)) + 5 for j in joins]
    timeouts = [VOD_LENGTH + ling + 60 for ling in linger]
    return Scenario("vod-staggered", "/hls/vod/master.m3u8", 0, joins, linger,
                    timeouts=timeouts,
                    note="VOD HLS 20 s, players 3 s apart, each stays "
                    "until the last one ends")


def live_kill(n, args):
    sc = _live("live-kill", n, 5, 30,
               "live HLS, 60 s, joins within 5 s, a quarter SIGKILLed 25 s "
               "after the last join", args)
    victims = list(range(0, n, 4))[:max(1, n // 4)]
    sc.kills = [(sc.joins[-1] + 25, i) for i in victims]
    return sc


def abr_switch(n, args):
    sc = _live("abr-switch", n, 5, 30,
               "live HLS, 60 s, joins within 5 s; every downlink drops to "
               "%s 15 s after the last join and returns to %s 20 s later"
               % (args.abr_downlink, args.downlink), args)
    sc.reshapes = [(sc.joins[-1] + 15, args.abr_downlink),
                   (sc.joins[-1] + 35, args.downlink)]
    return sc


SCENARIOS = {
    "live-join5": live_join5,
    "live-join60": live_join60,
    "vod-staggered": vod_staggered,
    "live-kill": live_kill,
    "abr-switch": abr_switch,
}


def make(name, n, args):
    return SCENARIOS[name](n, args)
