# gst-p2pcdn swarm benchmark: numbers from one run's records.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Offload is measured at the origin: media bytes its request log says it
# served to the players' addresses, against the media bytes the players
# consumed (http + p2p + cache bytes of their last p2pcdn-stats figures; for
# a player that printed no report, its last 1 s sample).

import collections
import statistics

MEDIA = (".ts", ".m4s", ".mp4")
# exits that are no crash: 0 EOS, 1 no EOS (error, timeout), 143 SIGTERM
CLEAN_EXITS = (0, 1, 143)
# A player's first segments come over HTTP before its peer connections open
# (tracker, offers, ICE, DTLS: a second or two); "after join" counts only the
# segments first fetched this long after the last player started.
JOIN_GRACE_S = 4.0


def is_media(entry):
    return entry["path"].endswith(MEDIA) and entry.get("status") in (200, 206)


def consumed(player):
    rep = player["report"]
    s = rep.get("stats", {}) if rep else (player["samples"] or [{}])[-1]
    if rep:
        return s.get("http-bytes", 0) + s.get("p2p-bytes", 0) + \
            s.get("cache-bytes", 0)
    return s.get("http", 0) + s.get("p2p", 0) + s.get("cache", 0)


def crash(player):
    """Why a player's end counts as a crash, or None."""
    rc = player["returncode"]
    if rc is None or rc in CLEAN_EXITS:
        return None
    if rc < 0:
        sig = -rc
        if player["killed_by_scenario"] and sig == 9:
            return None
        if sig in (9, 15) and player["signals_sent"]:
            return None          # the harness ended an overrunning player
        return "killed by signal %d" % sig
    return "exit status %d" % rc


def _med_max(values):
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "max": None, "n": 0}
    return {"median": statistics.median(values), "max": max(values),
            "n": len(values)}


def metrics(run):
    players = run["players"]
    ips = {p["ip"] for p in players}
    n = len(players)
    media = [e for e in run["origin_log"]
             if is_media(e) and e.get("remote_host") in ips]
    origin_bytes = sum(e["bytes_sent"] for e in media)
    total = sum(consumed(p) for p in players)
    per_path = collections.Counter(e["path"] for e in media)
    after_join = _after_join(run, media, per_path)
    offload = 1.0 - origin_bytes / total if total else None
    limit = (n - 1) / n if n else None
    reps = [p["report"] for p in players]
    survivors = [p for p in players if not p["killed_by_scenario"]]
    stalls = [r["stalls"] for r in reps if r]
    stalled = [r["stalled_s"] for r in reps if r]
    m = {
        "players": n,
        "reports": sum(1 for r in reps if r),
        "survivors": len(survivors),
        "eos": sum(1 for p in players if p["report"] and p["report"]["eos"]),
        "survivors_eos": sum(1 for p in survivors
                             if p["report"] and p["report"]["eos"]),
        "origin_media_bytes": origin_bytes,
        "consumed_media_bytes": total,
        "p2p_bytes": sum((r or {}).get("stats", {}).get("p2p-bytes", 0)
                         for r in reps),
        "offload": offload,
        "offload_limit": limit,
        "offload_of_limit": offload / limit if offload is not None and limit
        else None,
        "origin_segments": len(per_path),
        "origin_fetches_per_segment": {
            "mean": (sum(per_path.values()) / len(per_path)) if per_path
            else None,
            "max": max(per_path.values()) if per_path else None,
            "after_join": (sum(after_join.values()) / len(after_join))
            if after_join else None,
            "after_join_segments": len(after_join),
            "after_join_bytes": _after_join_bytes(media, after_join)},
        "stalls": {"sum": sum(stalls), "max": max(stalls, default=None)},
        "stalled_s": {"sum": sum(stalled), "max": max(stalled, default=None)},
        "stalled_at_end": sum(1 for r in reps if r and r["stalled_at_end"]),
        "startup_s": _med_max([r and r["startup_s"] for r in reps]),
        "cpu_s": _med_max([r and r.get("cpu_s") for r in reps]),
        "max_rss_kb": _med_max([r and r.get("max_rss_kb") for r in reps]),
        "renditions": rendition_summary(reps),
        "crashes": {p["name"]: crash(p) for p in players if crash(p)},
        "no_report": [p["name"] for p in players if not p["report"]
                      and not p["killed_by_scenario"]],
        "errors": {p["name"]: p["report"]["error"] for p in players
                   if p["report"] and p["report"]["error"]},
        "not_eos": {p["name"]: _why_not_eos(p) for p in survivors
                    if not (p["report"] and p["report"]["eos"])},
        "bad_lines": {p["name"]: p["bad_lines"] for p in players
                      if p["bad_lines"]},
    }
    m["criticals"] = sum(1 for lines in m["bad_lines"].values()
                         for line in lines if "CRITICAL" in line)
    return m


def _after_join(run, media, per_path):
    """Origin fetches of the segments first fetched after every player had
    joined (JOIN_GRACE_S after the last start), per segment path."""
    players = run["players"]
    if not players or "t0_monotonic_us" not in run:
        return {}
    t0 = run["t0_monotonic_us"]
    joined = max(_start(p, t0) for p in players) + JOIN_GRACE_S
    first = {}
    for e in media:
        t = (e["timestamp_us"] - t0) / 1e6
        first[e["path"]] = min(first.get(e["path"], t), t)
    return {path: n for path, n in per_path.items() if first[path] > joined}


def _after_join_bytes(media, after_join):
    """The origin's bytes of the after-join segments in segment sizes: a
    Range request for a segment's tail counts as the share it carried,
    where the request count above counts it as a whole fetch."""
    sent = collections.Counter()
    size = {}
    for e in media:
        if e["path"] not in after_join:
            continue
        sent[e["path"]] += e["bytes_sent"]
        if not e.get("range"):
            size[e["path"]] = max(size.get(e["path"], 0), e["bytes_sent"])
    sizes = [sent[p] / size[p] for p in after_join if size.get(p)]
    return sum(sizes) / len(sizes) if sizes else None


def _why_not_eos(player):
    if player["report"]:
        return player["report"]["error"] or "no EOS"
    return crash(player) or "no report (exit %s)" % player["returncode"]


def rendition_summary(reps):
    """Which video heights the players showed, and how often they changed."""
    heights = collections.Counter()
    switches = 0
    for r in reps:
        if not r:
            continue
        prev = None
        for c in r.get("renditions", []):
            heights[c["height"]] += 1
            if prev is not None and c["height"] != prev:
                switches += 1
            prev = c["height"]
    return {"heights_seen": dict(heights), "switches": switches}


def add_ratios(m, base):
    """Ratios of the swarm run's medians to the HTTP-only run's."""
    for key in ("startup_s", "cpu_s", "max_rss_kb"):
        a, b = m[key]["median"], base[key]["median"] if base else None
        m[key]["ratio_vs_http"] = a / b if a is not None and b else None


def _start(player, t0):
    """When the player asked for PLAYING, in seconds since the origin
    started; without a report (SIGKILLed), when the harness started it."""
    rep = player["report"]
    if rep:
        return (rep["start_monotonic_us"] - t0) / 1e6
    return player["started_s"]


def offload_series(run):
    """Cumulative offload per second since the origin started: 1 - origin
    media bytes so far / media bytes consumed so far."""
    t0 = run["t0_monotonic_us"]
    ips = {p["ip"] for p in run["players"]}
    origin = collections.Counter()
    for e in run["origin_log"]:
        if is_media(e) and e.get("remote_host") in ips:
            origin[int((e["timestamp_us"] - t0) / 1e6)] += e["bytes_sent"]
    horizon = int(run["duration_s"]) + 1
    used = [0] * (horizon + 1)
    for p in run["players"]:
        start = _start(p, t0)
        last = 0
        for s in p["samples"]:
            b = s["http"] + s["p2p"] + s["cache"]
            sec = min(horizon, max(0, int(start + s["t"])))
            used[sec] += b - last
            last = b
    out, o, u = [], 0, 0
    for sec in range(horizon + 1):
        o += origin.get(sec, 0)
        u += used[sec]
        if u > 0:
            out.append((sec, max(-1.0, 1.0 - o / u)))
    return out


def player_series(run, key):
    """(seconds since origin start, value) of each player's samples."""
    t0 = run["t0_monotonic_us"]
    out = {}
    for p in run["players"]:
        start = _start(p, t0)
        out[p["name"]] = [(start + s["t"], s[key]) for s in p["samples"]
                          if s.get(key) is not None]
    return out
