#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""make bench, on the host: from a bench run's CSV files to plots and a report.

  report.py RESULTS OUTDIR [--check]

RESULTS holds what tests/bench/bench.sh wrote in the guest (runs.csv,
percpu.csv, crypto.csv, meta.txt) and host.txt (make bench). Writes
OUTDIR/performance.md, its plots in OUTDIR/performance/ and
RESULTS/summary.csv (medians). --check (make bench QUICK=1, make check)
also fails unless the numbers are sane: every point measured, traffic
through every variant, CPU time within the run's, a crypto rate, inline
tunnels' crypto on their cores, few hand-offs with steering.
"""
import csv
import os
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PACKET_LEN = 1420
ORDER = ["plain", "stock", "stock-threaded", "parallel", "inline-handoff",
         "inline-steer"]
LABEL = {
    "plain": "no tunnel (routed)",
    "stock": "stock wireguard.ko",
    "stock-threaded": "stock, threaded NAPI",
    "parallel": "wg-inline parallel",
    "inline-handoff": "wg-inline inline (hand-off)",
    "inline-steer": "wg-inline inline + steering",
}
TUNNEL_VARIANTS = ORDER[1:]


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def read_kv(path):
    kv = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    kv[k] = v
    return kv


class Bench:
    def __init__(self, results):
        self.runs = read_csv(os.path.join(results, "runs.csv"))
        self.percpu = read_csv(os.path.join(results, "percpu.csv"))
        self.crypto = read_csv(os.path.join(results, "crypto.csv"))
        self.meta = read_kv(os.path.join(results, "meta.txt"))
        self.meta.update(read_kv(os.path.join(results, "host.txt")))
        for r in self.runs:
            r["gbit"] = int(r["bytes"]) * 8 / 1e9
            r["busy_s"] = int(r["busy_jiffies"]) / int(r["hz"])
        self.variants = [v for v in ORDER if any(r["variant"] == v for r in self.runs)]
        self.baseline = self._baseline()

    def _baseline(self):
        """CPU-seconds per Gbit of plain routed forwarding at the fixed
        load (generators included), or at any load when there is none."""
        for exp in ("load", None):
            xs = [r["busy_s"] / r["gbit"] for r in self.runs
                  if r["variant"] == "plain" and r["gbit"] > 0
                  and (exp is None or r["exp"] == exp)]
            if xs:
                return statistics.median(xs)
        return 0.0

    def select(self, exp, variant, tunnels=None, flows=None):
        return [r for r in self.runs if r["exp"] == exp and r["variant"] == variant
                and (tunnels is None or int(r["tunnels"]) == tunnels)
                and (flows is None or int(r["flows"]) == flows)]

    def points(self, exp, key):
        return sorted({int(r[key]) for r in self.runs if r["exp"] == exp})

    def tunnel_cost(self, r):
        """The tunnel's CPU-seconds per transferred Gbit: the run's busy
        time less what plain forwarding of the same volume costs."""
        return r["busy_s"] / r["gbit"] - self.baseline if r["gbit"] > 0 else float("nan")

    def stat(self, rows, f):
        xs = [f(r) for r in rows]
        if not xs:
            return None
        return statistics.median(xs), min(xs), max(xs), len(xs)

    def crypto_rates(self):
        """Median Gbit/s of one core: seal, open, and a tunnel's pass
        (each packet sealed once and opened once)."""
        def rate(r, k):
            return int(r[k + "_packets"]) * PACKET_LEN * 8 / int(r[k + "_ns"])
        if not self.crypto:
            return None
        seal = statistics.median(rate(r, "seal") for r in self.crypto)
        open_ = statistics.median(rate(r, "open") for r in self.crypto)
        return seal, open_, 1 / (1 / seal + 1 / open_)


def fmt(s, digits=1):
    if s is None:
        return "–"
    med, lo, hi, n = s
    if n == 1:
        return f"{med:.{digits}f}"
    return f"{med:.{digits}f} [{lo:.{digits}f}–{hi:.{digits}f}]"


# ---- plots

def line_plot(b, exp, key, ylabel, f, path, title, extra=None):
    """One line per variant over the experiment's points; extra(v, x)
    adds rows measured elsewhere (flows=1 is the tunnels experiment's)."""
    pts = sorted(set(b.points(exp, key)) | ({1} if extra else set()))
    fig, ax = plt.subplots(figsize=(6.4, 4))
    for v in b.variants:
        if f is not mbps and v == "plain":
            continue
        xs, ys, lo, hi = [], [], [], []
        for x in pts:
            rows = b.select(exp, v, **{key: x})
            if extra:
                rows += extra(v, x)
            s = b.stat(rows, f)
            if s:
                xs.append(x)
                ys.append(s[0])
                lo.append(s[0] - s[1])
                hi.append(s[2] - s[0])
        if xs:
            ax.errorbar(xs, ys, yerr=[lo, hi], marker="o", capsize=3, label=LABEL[v])
    ax.set_xlabel(key)
    ax.set_xticks(pts)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def mbps(r):
    return float(r["mbps"])


def bar_plot(names, values, ylabel, path, title, ref=None, ref_label=None):
    fig, ax = plt.subplots(figsize=(6.4, 4))
    ax.bar(range(len(names)), values, color="tab:blue")
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=20, ha="right", fontsize=8)
    if ref is not None:
        ax.axhline(ref, color="tab:red", linestyle="--", label=ref_label)
        ax.legend(fontsize=8)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def percore_rows(b, exp, tunnels, flows):
    """{variant: {cpu: (user, system, irq, softirq, idle) medians %}}"""
    out = {}
    for v in b.variants:
        rows = [r for r in b.percpu if r["exp"] == exp and r["variant"] == v
                and int(r["tunnels"]) == tunnels and int(r["flows"]) == flows]
        by_cpu = {}
        for r in rows:
            parts = [int(r[k]) for k in ("user", "system", "irq", "softirq", "idle")]
            total = sum(parts) or 1
            by_cpu.setdefault(int(r["cpu"]), []).append([100 * p / total for p in parts])
        out[v] = {c: [statistics.median(col) for col in zip(*xs)]
                  for c, xs in sorted(by_cpu.items())}
    return out


def percore_plot(pc, path, title):
    """Stacked user/system/irq/softirq bars, one per CPU, grouped by variant."""
    colors = {"user": "tab:green", "system": "tab:orange", "irq": "tab:purple",
              "softirq": "tab:red"}
    fig, ax = plt.subplots(figsize=(7.5, 4))
    labels, pos, x = [], [], 0.0
    for v, cpus in pc.items():
        for cpu, parts in cpus.items():
            bottom = 0
            for name, val in zip(colors, parts):
                ax.bar(x, val, bottom=bottom, color=colors[name],
                       label=name if not pos else None)
                bottom += val
            labels.append(f"{v} cpu{cpu}")
            pos.append(x)
            x += 1
        x += 0.5
    ax.set_xticks(pos)
    ax.set_xticklabels(labels, fontsize=6, rotation=90)
    ax.set_ylabel("% of the run")
    ax.set_ylim(0, 100)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


# ---- the report

def write_report(b, outdir):
    pdir = os.path.join(outdir, "performance")
    os.makedirs(pdir, exist_ok=True)
    tpoints = b.points("tunnels", "tunnels")
    fpoints = b.points("flows", "flows")
    one = {v: b.select("tunnels", v, tunnels=1) for v in b.variants}
    crypto = b.crypto_rates()
    md = []
    w = md.append

    line_plot(b, "tunnels", "tunnels", "aggregate Mbit/s", mbps,
              os.path.join(pdir, "throughput-tunnels.png"),
              "N tunnels, one TCP flow each")
    line_plot(b, "tunnels", "tunnels", "tunnel CPU-seconds per Gbit", b.tunnel_cost,
              os.path.join(pdir, "cpu-per-gbit-tunnels.png"),
              "Tunnel CPU per transferred Gbit (no-tunnel cost subtracted)")
    if fpoints:
        line_plot(b, "flows", "flows", "aggregate Mbit/s", mbps,
                  os.path.join(pdir, "throughput-flows.png"),
                  "One tunnel, N TCP flows (N = 1: the tunnels experiment)",
                  extra=lambda v, x: one.get(v, []) if x == 1 else [])
    load = {v: b.stat(b.select("load", v), b.tunnel_cost) for v in TUNNEL_VARIANTS
            if b.select("load", v)}
    if load:
        bar_plot([LABEL[v] for v in load], [s[0] for s in load.values()],
                 "tunnel CPU-seconds per Gbit", os.path.join(pdir, "cpu-at-fixed-load.png"),
                 "CPU cost at the same offered load (median)")
    frac = {}
    if crypto and load:
        frac = {v: (1 / s[0]) / crypto[2] for v, s in load.items() if s[0] > 0}
        bar_plot([LABEL[v] for v in frac], [100 * f for f in frac.values()],
                 "% of one core's seal+open rate", os.path.join(pdir, "crypto-fraction.png"),
                 "Per-core tunnel throughput / raw ChaCha20-Poly1305 (1420 B)",
                 ref=50, ref_label="target: 50%")
    maxn = max(tpoints) if tpoints else 1
    pc = percore_rows(b, "tunnels", maxn, maxn)
    percore_plot(pc, os.path.join(pdir, "per-core.png"),
                 f"Per-core utilisation, {maxn} tunnel(s), whole guest (median)")

    m = b.meta
    w("# Performance\n")
    w("Generated by `make bench` (`tests/bench/report.py`); do not edit by hand: "
      "rerun `make bench` and commit what it writes. The method, and what this "
      "testbed can and cannot show, are at the end.\n")
    w("## This run\n")
    w(f"- Kernel {m.get('kernel', '?')}, {m.get('vcpus', '?')} vCPUs "
      f"({m.get('guest_cpu', '?')}, QEMU TCG), fakenic links with "
      f"{m.get('channels', '?')} channels.")
    w(f"- Host: {m.get('host_cpu', '?')}, {m.get('host_cpus', '?')} CPUs; "
      f"{m.get('date', '?')}; wg-inline {m.get('revision', '?')}.")
    w(f"- {m.get('reps', '?')} repetitions of {m.get('secs', '?')} s per point, "
      "variants interleaved within each repetition. Cells: median [min–max].")
    w(f"- No-tunnel baseline: {b.baseline:.2f} CPU-seconds per Gbit "
      "(plain routed forwarding at the fixed load, iperf3 included).\n")

    w("## Targets\n")
    w("| target | measured | verdict |")
    w("| --- | --- | --- |")
    for row in targets(b, load, frac, tpoints):
        w("| " + " | ".join(row) + " |")
    w("")

    w("## N tunnels, one TCP flow each\n")
    w("![throughput](performance/throughput-tunnels.png)\n")
    w("![cpu per gbit](performance/cpu-per-gbit-tunnels.png)\n")
    table(b, w, "tunnels", "tunnels", tpoints)

    if fpoints:
        w("## One tunnel, N flows\n")
        w("The paper's single-tunnel test; N = 1 (one elephant flow) is the first "
          "point of the table above.\n")
        w("![throughput](performance/throughput-flows.png)\n")
        table(b, w, "flows", "flows", fpoints)

    if load:
        rate = b.select("load", "plain")[0]["offered_mbps"] if b.select("load", "plain") else "?"
        w(f"## Fixed load: {rate} Mbit/s through one tunnel\n")
        w("Half the slowest variant's one-tunnel throughput, so every variant "
          "carries the same traffic and only the cost differs.\n")
        w("![cpu at fixed load](performance/cpu-at-fixed-load.png)\n")
        w("| variant | Mbit/s | busy CPU-s | tunnel CPU-s per Gbit | vs stock | hand-offs | crypto on assigned core |")
        w("| --- | --- | --- | --- | --- | --- | --- |")
        stock = load.get("stock")
        for v in b.variants:
            rows = b.select("load", v)
            if not rows:
                continue
            cost = b.stat(rows, b.tunnel_cost) if v != "plain" else None
            ratio = f"{cost[0] / stock[0]:.2f}x" if cost and stock and stock[0] > 0 else "–"
            w(f"| {LABEL[v]} | {fmt(b.stat(rows, mbps))} | "
              f"{fmt(b.stat(rows, lambda r: r['busy_s']))} | "
              f"{fmt(cost, 2) if cost else '–'} | {ratio} | "
              f"{handoffs(rows)} | {local(rows)} |")
        w("")

    if crypto:
        w("## The crypto limit\n")
        w(f"One core of this guest (`wgi_cryptobench`, {len(b.crypto)} runs of 1 s "
          f"each way): seal {crypto[0] * 1000:.0f} Mbit/s, open "
          f"{crypto[1] * 1000:.0f} Mbit/s of 1420-byte packets; a tunnel seals and "
          f"opens each packet once, so one core's pass rate is "
          f"{crypto[2] * 1000:.0f} Mbit/s.\n")
        if frac:
            w("![crypto fraction](performance/crypto-fraction.png)\n")
            w("| variant | per-core tunnel throughput (Mbit/s per busy core) | fraction of the limit |")
            w("| --- | --- | --- |")
            for v, f in frac.items():
                w(f"| {LABEL[v]} | {1000 / load[v][0]:.0f} | {100 * f:.0f}% |")
            w("")

    w(f"## Per-core utilisation ({maxn} tunnel(s))\n")
    w("![per core](performance/per-core.png)\n")
    w("| variant | " + " | ".join(f"cpu{c} user/sys/irq/softirq %" for c in
                                   next(iter(pc.values()), {})) + " |")
    w("| --- |" + " --- |" * len(next(iter(pc.values()), {})))
    for v, cpus in pc.items():
        w(f"| {LABEL[v]} | " + " | ".join("/".join(f"{p:.0f}" for p in parts[:4])
                                          for parts in cpus.values()) + " |")
    w("")
    w(METHOD)
    with open(os.path.join(outdir, "performance.md"), "w") as f:
        f.write("\n".join(md) + "\n")


def handoffs(rows):
    xs = [int(r["handoffs"]) for r in rows if r["handoffs"] != ""]
    return f"{statistics.median(xs):.0f}" if xs else "–"


def local(rows):
    xs = [float(r["local_pct"]) for r in rows if r["local_pct"] != ""]
    return f"{min(xs):.1f}%" if xs else "–"


def table(b, w, exp, key, pts):
    w("| variant | " + " | ".join(f"{key}={p} Mbit/s" for p in pts) + " | "
      + " | ".join(f"{key}={p} CPU-s/Gbit" for p in pts) + " | hand-offs |")
    w("| --- |" + " --- |" * (2 * len(pts) + 1))
    for v in b.variants:
        cells = [fmt(b.stat(b.select(exp, v, **{key: p}), mbps)) for p in pts]
        cells += ["–" if v == "plain" else fmt(b.stat(b.select(exp, v, **{key: p}),
                                                      b.tunnel_cost), 2) for p in pts]
        cells.append(handoffs(b.select(exp, v)))
        w(f"| {LABEL[v]} | " + " | ".join(cells) + " |")
    w("")


def verdict(met):
    return "met" if met else "**not met** (see below and the testbed's limits)"


def ratio_range(num, den):
    """The ratio's extremes over the runs of two stats (median, min,
    max, n): how far a verdict on the medians is from the noise."""
    if den[1] <= 0 or num[3] < 2:
        return ""
    return f" ({num[1] / den[2]:.2f}–{num[2] / den[1]:.2f}x over the runs)"


def targets(b, load, frac, tpoints):
    out = []
    stock = load.get("stock")
    for v in ("inline-handoff", "inline-steer"):
        if stock and v in load and stock[0] > 0:
            r = load[v][0] / stock[0]
            out.append([f"{LABEL[v]}: CPU per Gbit ≤ 0.5x stock at equal load",
                        f"{r:.2f}x{ratio_range(load[v], stock)}", verdict(r <= 0.5)])
    for v in ("inline-handoff", "inline-steer"):
        base = b.stat(b.select("tunnels", v, tunnels=1), mbps)
        for n in tpoints:
            if n == 1 or not base:
                continue
            s = b.stat(b.select("tunnels", v, tunnels=n), mbps)
            if s:
                r = s[0] / (n * base[0])
                out.append([f"{LABEL[v]}: {n} tunnels ≥ 0.9 x {n} x one tunnel",
                            f"{r:.2f} x {n} x one tunnel",
                            verdict(r >= 0.9)])
    st = b.stat(b.select("tunnels", "stock", tunnels=1), mbps)
    pa = b.stat(b.select("tunnels", "parallel", tunnels=1), mbps)
    if st and pa:
        out.append(["one elephant flow: parallel ≥ stock's single tunnel",
                    f"{pa[0]:.1f} vs {st[0]:.1f} Mbit/s{ratio_range(pa, st)}",
                    verdict(pa[0] >= st[0])])
    for v in ("inline-handoff", "inline-steer"):
        if v in frac:
            out.append([f"{LABEL[v]}: per-core throughput ≥ 50% of raw ChaCha20-Poly1305",
                        f"{100 * frac[v]:.0f}%", verdict(frac[v] >= 0.5)])
    return out


METHOD = """## Method

- Four roles as network namespaces in one QEMU guest: `src`, `gw1`, `gw2`,
  `drn`, joined by fakenic pairs (the project's test-double NIC: RSS over
  its channels, one IRQ per channel on a CPU, ntuple rules that really
  steer). The gateways only forward. iperf3 clients in `src`, servers in
  `drn`, each pair pinned to a CPU (its tunnel's core in the tunnels
  experiment). Tunnel *i* carries 10.1.*i*.0/24 ↔ 10.2.*i*.0/24.
- Variants, interleaved in every repetition (the order rotates): no
  tunnel; stock `wireguard.ko`; stock with threaded NAPI (`threaded` = 1
  on each tunnel device); wg-inline in parallel mode; wg-inline inline
  with tunnel *i* assigned to core (*i*-1) mod CPUs, packets that arrive
  on another core handed off in software; the same with `mlx5_steer`
  steering (NIC rules on both gateways' LAN and WAN fakenics and XPS keep
  each tunnel's softirqs on its core).
- Experiments: N tunnels with one TCP flow each; one tunnel with N flows
  (its N = 1 point is the tunnels experiment's first: one elephant flow);
  one flow at a fixed rate (iperf3 `-b`) below every variant's capacity.
- Throughput: what the iperf3 receivers counted. CPU: busy jiffies of
  the whole guest from `/proc/stat` over the run (user, nice, system,
  irq, softirq, steal). **Tunnel CPU per Gbit** is that busy time per
  transferred Gbit less the no-tunnel run's busy time per Gbit. The
  generators' process CPU is not subtracted on its own: with inline
  processing, forwarding and encryption run in softirqs raised in the
  sender's context and are charged to the sender's process, so that
  subtraction would remove the tunnel's own cost.
- Per-core tunnel throughput is 1 / (tunnel CPU-seconds per Gbit): how
  much one fully busy core would carry. It is compared with one core's
  raw ChaCha20-Poly1305 rate (`tests/bench/cryptobench`, the kernel
  library WireGuard uses, 1420-byte packets): a tunnel seals each packet
  on gw1 and opens it on gw2, so the reference is one seal plus one open.
- Hand-offs are wg-inline's per-tunnel counters (`wgaff show -j`); the
  last column of the fixed-load table is the share of the tunnels' crypto
  that ran on their assigned cores.
- Raw data: `results/bench/<kernel>/full/{runs,percpu,crypto}.csv`.
  `BENCH_CPUS=N make bench` gives the guest N vCPUs (tunnel counts 1..N).

## What this testbed can and cannot show

- The guest runs under TCG (software CPU emulation) on a 2-core host:
  absolute numbers are about 100x below hardware. Only ratios within one
  run mean anything, and repeated runs vary by tens of percent on a
  shared host (see the spread columns). Verdicts are on the medians;
  where a ratio's range over the runs (the targets table) spans the
  target, this testbed cannot tell met from not met, and two runs of
  `make bench` may disagree.
- All four roles share the guest's vCPUs. On 2 vCPUs the traffic
  generators use as much CPU as the gateways, so a second tunnel never
  gets a core of its own: multi-tunnel *scaling* cannot be shown here,
  only the per-gigabit cost and where the work runs. `BENCH_CPUS` on a
  bigger host is the way to see scaling; the paper's figures (32 cores,
  ConnectX-6) were measured on separate machines.
- fakenic delivers frames by IPI to the receiving queue's CPU, like a
  NIC interrupt, but costs are those of the emulator, not of a DMA
  engine; steering's benefit here is fewer hand-offs and cache moves,
  not NIC offload.
- The crypto reference uses the kernel's x86 ChaCha20/Poly1305 code as
  emulated by TCG (AVX2 under `-cpu max`); the ratio to it, not the
  rate, is what carries over.
"""


def check(b, outdir):
    bad = []
    for exp in ("tunnels", "flows", "load"):
        keys = {(r["tunnels"], r["flows"]) for r in b.runs if r["exp"] == exp}
        for t, fl in keys:
            for v in b.variants:
                if not b.select(exp, v, int(t), int(fl)):
                    bad.append(f"{exp} tunnels={t} flows={fl}: no {v} run")
    if not b.select("load", "plain"):
        bad.append("no no-tunnel baseline at the fixed load")
    for r in b.runs:
        what = f"{r['exp']} {r['variant']} tunnels={r['tunnels']} flows={r['flows']}"
        if float(r["mbps"]) <= 0 or r["gbit"] <= 0:
            bad.append(f"{what}: no traffic")
        if not 0 < int(r["busy_jiffies"]) <= int(r["total_jiffies"]):
            bad.append(f"{what}: busy {r['busy_jiffies']} of {r['total_jiffies']} jiffies")
        if r["variant"].startswith("inline") and r["local_pct"] != "100.0":
            bad.append(f"{what}: crypto on the assigned core {r['local_pct']}%, not 100%")
        if r["variant"] == "inline-steer":
            packets = int(r["bytes"]) / PACKET_LEN
            if int(r["handoffs"] or 0) > 0.01 * packets:
                bad.append(f"{what}: {r['handoffs']} hand-offs with steering "
                           f"for ~{packets:.0f} packets")
    c = b.crypto_rates()
    if not c or min(c) <= 0:
        bad.append("no crypto rate")
    for p in ("throughput-tunnels.png", "cpu-per-gbit-tunnels.png", "per-core.png"):
        f = os.path.join(outdir, "performance", p)
        if not os.path.exists(f) or os.path.getsize(f) < 1000:
            bad.append(f"plot {p} missing")
    if not os.path.exists(os.path.join(outdir, "performance.md")):
        bad.append("no performance.md")
    return bad


def write_summary(b, results):
    with open(os.path.join(results, "summary.csv"), "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["exp", "tunnels", "flows", "variant", "runs", "mbps_median",
                     "mbps_min", "mbps_max", "tunnel_cpu_s_per_gbit_median"])
        keys = sorted({(r["exp"], int(r["tunnels"]), int(r["flows"])) for r in b.runs})
        for exp, t, fl in keys:
            for v in b.variants:
                rows = b.select(exp, v, t, fl)
                if not rows:
                    continue
                s = b.stat(rows, mbps)
                c = b.stat(rows, b.tunnel_cost)
                wr.writerow([exp, t, fl, v, s[3], s[0], s[1], s[2],
                             "" if v == "plain" else round(c[0], 3)])


def main():
    args = [a for a in sys.argv[1:] if a != "--check"]
    if len(args) != 2:
        sys.exit(__doc__)
    results, outdir = args
    b = Bench(results)
    if not b.runs:
        sys.exit(f"report.py: no runs in {results}/runs.csv")
    os.makedirs(outdir, exist_ok=True)
    write_report(b, outdir)
    write_summary(b, results)
    print(f"report.py: {len(b.runs)} runs -> {outdir}/performance.md")
    if "--check" in sys.argv:
        bad = check(b, outdir)
        for x in bad:
            print(f"report.py: not sane: {x}", file=sys.stderr)
        if bad:
            sys.exit(1)
        print("report.py: the numbers are sane")


if __name__ == "__main__":
    main()
