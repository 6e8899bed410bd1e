# gst-p2pcdn swarm benchmark: the table, results.json entries, the plots.
# SPDX-License-Identifier: LGPL-2.1-or-later

import os

import bench_metrics
import bench_svg


def _f(v, fmt="%.2f"):
    return "-" if v is None else fmt % v


def _ratio(d):
    r = d.get("ratio_vs_http")
    return "" if r is None else " x%.2f" % r


def one_line(name, mode, k, m):
    return ("%-13s %-4s run%d: eos %d/%d, offload %s, origin fetches/segment "
            "%s (after joins %s, in bytes %s), stalls %d (%.1f s), "
            "startup median %s s%s"
            % (name, mode, k, m["eos"], m["players"],
               _f(m["offload"], "%.3f"),
               _f(m["origin_fetches_per_segment"]["mean"]),
               _f(m["origin_fetches_per_segment"].get("after_join")),
               _f(m["origin_fetches_per_segment"].get("after_join_bytes")),
               m["stalls"]["sum"], m["stalled_s"]["sum"],
               _f(m["startup_s"]["median"]), _ratio(m["startup_s"])))


HEADER = ("scenario      mode run  EOS(surv)  offload of-limit  fetch/seg+join "
          "stalls sum/max  stalled-s sum/max  startup-s med/max (xHTTP)  "
          "CPU-s med/max (xHTTP)  RSS-MB med/max (xHTTP)  crash/crit/warn")


def row(name, mode, k, m):
    s, c, r = m["startup_s"], m["cpu_s"], m["max_rss_kb"]
    fps = m["origin_fetches_per_segment"]
    warn = sum(1 for lines in m["bad_lines"].values() for line in lines
               if "CRITICAL" not in line)
    mb = 1024.0
    return ("%-13s %-4s %3d  %2d/%-2d(%d/%d)  %6s  %6s    %4s/%-4s    %5d/%-5s     "
            "%7.1f/%-7s     %5s/%-5s%-7s        %5s/%-5s%-7s     %5s/%-5s%-7s  "
            "%d/%d/%d"
            % (name, mode, k, m["eos"], m["players"], m["survivors_eos"],
               m["survivors"], _f(m["offload"], "%.3f"),
               _f(m["offload_of_limit"], "%.3f"), _f(fps["mean"], "%.1f"),
               _f(fps.get("after_join"), "%.2f"), m["stalls"]["sum"],
               _f(m["stalls"]["max"], "%d"), m["stalled_s"]["sum"],
               _f(m["stalled_s"]["max"], "%.1f"), _f(s["median"]),
               _f(s["max"]), _ratio(s), _f(c["median"], "%.1f"),
               _f(c["max"], "%.1f"), _ratio(c),
               _f(r["median"] and r["median"] / mb, "%.0f"),
               _f(r["max"] and r["max"] / mb, "%.0f"), _ratio(r),
               len(m["crashes"]), m["criticals"], warn))


def table(results):
    lines = [HEADER]
    for name, sc in results["scenarios"].items():
        for k, run in enumerate(sc["runs"]):
            for mode in ("http", "p2p"):
                if mode not in run:
                    continue
                lines.append(row(name, mode, k + 1, run[mode]["metrics"]))
    return "\n".join(lines)


def failures(results):
    """A run fails if a player crashed or printed a GLib CRITICAL or
    WARNING; survivors without EOS are listed too but do not fail it."""
    out = []
    for name, sc in results["scenarios"].items():
        for k, run in enumerate(sc["runs"]):
            for mode in ("http", "p2p"):
                if mode not in run:
                    continue
                m = run[mode]["metrics"]
                where = "%s %s run%d" % (name, mode, k + 1)
                for p, why in m["crashes"].items():
                    out.append("%s: %s crashed (%s)" % (where, p, why))
                for p, lines in m["bad_lines"].items():
                    out.append("%s: %s printed %d alarming line(s), first: %s"
                               % (where, p, len(lines), lines[0]))
                if m["not_eos"]:
                    print("NOTE: %s: not killed by the scenario but no EOS: %s"
                          % (where, ", ".join("%s (%s)" % kv for kv in
                                              m["not_eos"].items())))
    return out


def _player(p, origin_by_ip):
    rep = p["report"] or {}
    keys = ("eos", "error", "startup_s", "frames", "stalls", "stalled_s",
            "max_stall_s", "stalled_at_end", "cpu_s", "max_rss_kb",
            "renditions", "stats")
    d = {k: p[k] for k in ("name", "ip", "started_s", "returncode",
                           "signals_sent", "killed_by_scenario", "bad_lines",
                           "stderr")}
    d.update({k: rep.get(k) for k in keys})
    d["consumed_media_bytes"] = bench_metrics.consumed(p)
    d["origin_media_bytes"] = origin_by_ip.get(p["ip"], 0)
    d["series"] = p["samples"]
    return d


def for_json(r):
    raw = r["raw"]
    by_ip = {}
    for e in raw["origin_log"]:
        if bench_metrics.is_media(e):
            by_ip[e.get("remote_host")] = by_ip.get(e.get("remote_host"), 0) \
                + e["bytes_sent"]
    return {"metrics": r["metrics"], "duration_s": raw["duration_s"],
            "events": raw["events"], "rundir": raw["rundir"],
            "offload_series": bench_metrics.offload_series(raw),
            "players": [_player(p, by_ip) for p in raw["players"]]}


def write_svg(out, sc, runs, args):
    http, p2p = runs["http"]["raw"], runs["p2p"]["raw"]
    xmax = max(http["duration_s"], p2p["duration_s"])
    n = len(p2p["players"])
    marks = [(t, "kill " + "p%d" % (i + 1)) for t, i in sc.kills]
    marks += [(t, "down " + rate) for t, rate in sc.reshapes]
    panels = [dict(title="Offload (cumulative, at the origin)", series=[
        ("HTTP only", bench_metrics.offload_series(http)),
        ("swarm", bench_metrics.offload_series(p2p))],
        ylabel="1 - origin / consumed", xmax=xmax, ymin=-0.2, ymax=1.0,
        marks=marks, hlines=[((n - 1) / n, "(N-1)/N")])]
    for key, label in (("buffered", "buffered ahead (s)"),
                       ("position", "position (s)")):
        for mode, raw in (("HTTP only", http), ("swarm", p2p)):
            series = bench_metrics.player_series(raw, key)
            panels.append(dict(title="%s, %s" % (label, mode),
                               series=sorted(series.items()), ylabel=label,
                               xmax=xmax, ymin=0, marks=marks))
    title = "%s: %d players, up %s, down %s, tracker %s" % (
        sc.name, n, args.uplink, args.downlink, args.tracker)
    with open(os.path.join(out, sc.name + ".svg"), "w") as f:
        f.write(bench_svg.page(title, panels))
