#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench, in the guest: turn one run's raw files into CSV rows.

  record.py run OUT KEY=VAL... -- FILE...
      append one row to OUT/runs.csv and one per CPU to OUT/percpu.csv.
      KEYs: exp tunnels flows offered variant rep stat0 stat1 shows
      (stat0, stat1: /proc/stat's cpu lines before and after);
      FILEs: the iperf3 clients' -J outputs. shows= is a comma-separated
      list of `wgaff show all -j` outputs (one per gateway), or empty.

Busy time is user+nice+system+irq+softirq+steal jiffies of the whole
guest over the run: every role shares the guest's CPUs, and the
tunnel's work is charged to whichever context raised it (see
docs/performance.md), so nothing is subtracted here; the host-side
report subtracts the no-tunnel baseline.
"""
import csv
import json
import os
import sys

RUN_FIELDS = ["exp", "tunnels", "flows", "offered_mbps", "variant", "rep",
              "seconds", "bytes", "mbps", "retransmits", "busy_jiffies",
              "total_jiffies", "hz", "handoffs", "local_pct"]
PERCPU_FIELDS = ["exp", "tunnels", "flows", "variant", "rep", "cpu", "user",
                 "system", "irq", "softirq", "idle"]


def read_stat(path):
    """{cpu: [user, nice, system, idle, iowait, irq, softirq, steal]}"""
    cpus = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts or not parts[0].startswith("cpu"):
                continue
            name = parts[0][3:] or "all"
            cpus[name] = [int(x) for x in parts[1:9]]
    return cpus


def delta(a, b):
    return {k: [y - x for x, y in zip(a[k], b[k])] for k in a if k in b}


def busy(v):
    user, nice, system, _idle, _iowait, irq, softirq, steal = v
    return user + nice + system + irq + softirq + steal


def iperf_totals(paths):
    """(seconds, bytes, bit/s, retransmits) summed over the clients."""
    secs = byts = bps = retr = 0
    for p in paths:
        with open(p) as f:
            d = json.load(f)
        if "error" in d:
            sys.exit(f"record.py: iperf3 failed in {p}: {d['error']}")
        end = d["end"]
        secs = max(secs, end["sum_received"]["seconds"])
        byts += end["sum_received"]["bytes"]
        bps += end["sum_received"]["bits_per_second"]
        retr += end.get("sum_sent", {}).get("retransmits", 0)
    return secs, byts, bps, retr


def tunnel_counters(paths):
    """(hand-offs, % of crypto packets on the tunnel's assigned core or
    "" when no tunnel has one) over every wg-inline tunnel shown."""
    handoffs = local = total = 0
    assigned = False
    for p in paths:
        with open(p) as f:
            devs = json.load(f)
        for d in devs:
            for peer in d.get("peers", []):
                handoffs += peer.get("handoff_tx", 0) + peer.get("handoff_rx", 0)
                core = peer.get("core")
                for c in peer.get("pcpu", []):
                    pkts = c["encrypted_pkts"] + c["decrypted_pkts"]
                    total += pkts
                    if core is not None and c["cpu"] == core:
                        local += pkts
                assigned = assigned or core is not None
    pct = round(100.0 * local / total, 1) if assigned and total else ""
    return handoffs, pct


def append(path, fields, rows):
    new = not os.path.exists(path)
    with open(path, "a", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        if new:
            w.writeheader()
        w.writerows(rows)


def record_run(out, args, files):
    kv = dict(a.split("=", 1) for a in args)
    d = delta(read_stat(kv["stat0"]), read_stat(kv["stat1"]))
    secs, byts, bps, retr = iperf_totals(files)
    shows = [s for s in kv.get("shows", "").split(",") if s]
    handoffs, local_pct = tunnel_counters(shows) if shows else ("", "")
    key = {k: kv[k] for k in ("exp", "tunnels", "flows", "variant", "rep")}
    append(os.path.join(out, "runs.csv"), RUN_FIELDS, [dict(
        key, offered_mbps=kv["offered"], seconds=round(secs, 3), bytes=byts,
        mbps=round(bps / 1e6, 2), retransmits=retr,
        busy_jiffies=busy(d["all"]), total_jiffies=sum(d["all"][:8]),
        hz=os.sysconf("SC_CLK_TCK"), handoffs=handoffs, local_pct=local_pct)])
    rows = []
    for cpu in sorted((k for k in d if k != "all"), key=int):
        v = d[cpu]
        rows.append(dict(key, cpu=cpu, user=v[0] + v[1], system=v[2],
                         irq=v[5], softirq=v[6], idle=v[3] + v[4]))
    append(os.path.join(out, "percpu.csv"), PERCPU_FIELDS, rows)
    print(f"{kv['variant']:>15} {kv['exp']:>7} tunnels={kv['tunnels']} "
          f"flows={kv['flows']} rep={kv['rep']}: {bps / 1e6:8.1f} Mbit/s, "
          f"busy {busy(d['all'])}/{sum(d['all'][:8])} jiffies, "
          f"hand-offs {handoffs}, local {local_pct}%")


def main():
    if sys.argv[1:2] == ["run"] and "--" in sys.argv:
        i = sys.argv.index("--")
        record_run(sys.argv[2], sys.argv[3:i], sys.argv[i + 1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
