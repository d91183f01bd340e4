# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers of Scripts/bench/compare-flower.

  measure OUT.json -- COMMAND...   runs COMMAND under /usr/bin/time -v; writes its wall time, /usr/bin/time's
                                   maximum resident set size (the largest single process) and the peak of the
                                   summed RSS of the process and all its descendants (sampled every 0.2 s:
                                   Ray's raylet, GCS and workers are separate processes)
  report OUT_DIR RESULTS_DIR N     joins both systems' curves into RESULTS_DIR/flower-vs-ftte-sim.csv, plots
                                   them, and prints the checks (accuracy, speed, memory, ftte-sim's time)"""
import csv
import glob
import json
import os
import re
import subprocess
import sys
import time


TICKS = os.sysconf("SC_CLK_TCK")


def tree_sample(root):
    """Summed RSS (KiB) of `root` and its descendants, and each one's own CPU seconds (user + system), from
    /proc."""
    children, rss, cpu = {}, {}, {}
    for status in glob.glob("/proc/[0-9]*/status"):
        pid = int(status.split("/")[2])
        try:
            text = open(status).read()
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid = int(re.search(r"^PPid:\s+(\d+)", text, re.M).group(1))
        match = re.search(r"^VmRSS:\s+(\d+)", text, re.M)
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(match.group(1)) if match else 0
        cpu[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    total, seconds, stack = 0, {}, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        seconds[pid] = cpu.get(pid, 0.0)
        stack += children.get(pid, [])
    return total, seconds


def cpu_seconds(timing_text):
    """User + system CPU seconds of /usr/bin/time -v's report (the process and the children it waited for)."""
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", timing_text).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", timing_text).group(1))
    return user + system


def measure(out, command):
    timing = out + ".time"
    started = time.perf_counter()
    process = subprocess.Popen(["/usr/bin/time", "-v", "-o", timing] + command)
    peak, seconds = 0, {}
    while process.poll() is None:
        rss, cpu = tree_sample(process.pid)
        peak = max(peak, rss)
        seconds.update(cpu)
        time.sleep(0.2)
    wall = time.perf_counter() - started
    text = open(timing).read()
    maximum = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    # CPU time matters on a shared machine: wall time there depends on what else runs. The sampled sum misses a
    # process's last 0.2 s (and processes shorter than that); /usr/bin/time misses Ray's processes that it did not
    # wait for. Each is a lower bound; the larger is reported.
    json.dump({"command": command, "exit": process.returncode, "wall_s": wall, "max_rss_kb": maximum,
               "tree_peak_rss_kb": peak, "cpu_s": max(cpu_seconds(text), sum(seconds.values()))},
              open(out, "w"), indent=1)
    if process.returncode != 0:
        sys.exit(f"measure: {' '.join(command)} exited {process.returncode}")


def load(path):
    record = json.load(open(path))
    if "cpu_s" not in record:
        record["cpu_s"] = cpu_seconds(open(path + ".time").read())
    return record


def report(out_dir, results_dir, threads):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    rows = []
    seeds = sorted(int(p.rstrip("/").split("-")[-1]) for p in glob.glob(f"{out_dir}/ftte-sim/seed-*/"))
    for seed in seeds:
        run_dir = glob.glob(f"{out_dir}/ftte-sim/seed-{seed}/flower-fedavg_*")[0]
        wall = load(f"{out_dir}/ftte-sim/seed-{seed}.json")["wall_s"]
        for row in csv.DictReader(open(f"{run_dir}/global.csv")):
            if row["event"] in ("initial", "step"):
                rows.append(("ftte-sim", seed, int(row["model_version"]), float(row["test_accuracy"]), wall))
        wall = load(f"{out_dir}/flower/seed-{seed}.json")["wall_s"]
        for row in csv.DictReader(open(f"{out_dir}/flower/seed-{seed}.csv")):
            rows.append(("flower", seed, int(row["round"]), float(row["test_accuracy"]), wall))
    frame = pd.DataFrame(rows, columns=["system", "seed", "round", "test_accuracy", "wall_s"])
    os.makedirs(results_dir, exist_ok=True)
    frame.to_csv(f"{results_dir}/flower-vs-ftte-sim.csv", index=False, float_format="%.6g")

    # Accuracy: final = mean of the last 5 rounds, per seed, then over seeds.
    last_round = frame["round"].max()
    final = frame[frame["round"] > last_round - 5].groupby(["system", "seed"])["test_accuracy"].mean()
    print("== accuracy (mean of rounds %d-%d)" % (last_round - 4, last_round))
    for system in ("ftte-sim", "flower"):
        per_seed = ", ".join(f"seed {seed}: {final[(system, seed)]:.4f}" for seed in seeds)
        print(f"{system:9s} {final[system].mean():.4f}  ({per_seed})")
    difference = 100 * abs(final["ftte-sim"].mean() - final["flower"].mean())
    print(f"difference {difference:.2f} pp (goal <= 2): {'PASS' if difference <= 2 else 'FAIL'}")
    curves = frame.pivot_table(index="round", columns=["system", "seed"], values="test_accuracy")
    spread = {s: (curves[s].min(axis=1), curves[s].max(axis=1), curves[s].mean(axis=1)) for s in ("ftte-sim", "flower")}
    # Within the seed spread: each system's mean curve lies inside the other's band widened by its own half-width.
    gap = (spread["ftte-sim"][2] - spread["flower"][2]).abs()
    band = (spread["ftte-sim"][1] - spread["ftte-sim"][0] + spread["flower"][1] - spread["flower"][0]) / 2
    inside = (gap <= band)[curves.index >= 1]
    print(f"mean curves within the seed spread in {inside.sum()} of {len(inside)} rounds "
          f"(largest gap {100 * gap[curves.index >= 1].max():.2f} pp at round {gap[curves.index >= 1].idxmax()})")

    figure, axes = plt.subplots(figsize=(7, 4.2))
    for system, colour in (("ftte-sim", "tab:blue"), ("flower", "tab:orange")):
        low, high, mean = spread[system]
        axes.fill_between(curves.index, low, high, color=colour, alpha=0.25, linewidth=0)
        label = f"{system} (mean of seeds {', '.join(map(str, seeds))}; band: min-max)"
        axes.plot(curves.index, mean, color=colour, label=label)
    axes.set_xlabel("round (10 clients each)")
    axes.set_ylabel("test accuracy (10 000 images)")
    axes.set_title("FedAvg, Fashion-MNIST, 100 clients, Dirichlet 0.5, cnn-28-nopad")
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(f"{results_dir}/flower-vs-ftte-sim.png", dpi=120)

    print(f"== speed and memory (same 300 client updates; {threads} cores; the whole process)")
    timing = []
    for seed in seeds:
        ours, theirs = load(f"{out_dir}/ftte-sim/seed-{seed}.json"), load(f"{out_dir}/flower/seed-{seed}.json")
        timing.append((seed, ours, theirs))
        print(f"seed {seed}: ftte-sim {ours['wall_s']:.1f} s wall, {ours['cpu_s']:.1f} s CPU, "
              f"{ours['max_rss_kb'] / 1024:.0f} MiB;  flower {theirs['wall_s']:.1f} s wall, "
              f"{theirs['cpu_s']:.1f} s CPU, {theirs['max_rss_kb'] / 1024:.0f} MiB largest process, "
              f"{theirs['tree_peak_rss_kb'] / 1024:.0f} MiB all processes;  "
              f"ratio {theirs['wall_s'] / ours['wall_s']:.1f}x wall, {theirs['cpu_s'] / ours['cpu_s']:.1f}x CPU")
    for key, what in (("wall_s", "wall"), ("cpu_s", "CPU")):
        ours = sum(t[1][key] for t in timing)
        theirs = sum(t[2][key] for t in timing)
        print(f"total {what}: ftte-sim {ours:.1f} s, flower {theirs:.1f} s: Flower / ftte-sim = {theirs / ours:.1f}x "
              "(goal >= 20)")
    with open(f"{results_dir}/flower-vs-ftte-sim-timing.csv", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["system", "seed", "wall_s", "cpu_s", "max_rss_MiB", "all_processes_peak_rss_MiB", "threads"])
        for seed, ours_run, theirs_run in timing:
            for system, run, setting in (
                    ("ftte-sim", ours_run, f"--threads {threads} (training pool)"),
                    ("flower", theirs_run, f"{threads} Ray CPUs; 1 CPU and torch.set_num_threads(1) per ClientApp")):
                writer.writerow([system, seed, f"{run['wall_s']:.2f}", f"{run['cpu_s']:.2f}",
                                 f"{run['max_rss_kb'] / 1024:.0f}", f"{run['tree_peak_rss_kb'] / 1024:.0f}", setting])

    print("== where ftte-sim's time goes (seed 1, one process each)")
    records = {name: load(f"{out_dir}/breakdown/{name}.json") for name in
               ("full", "eval-every-30", "eval-every-30-no-exports", "one-round")}
    # CPU seconds: on a shared machine they depend less on what else runs than wall seconds do.
    parts = {name: record["cpu_s"] for name, record in records.items()}
    print("(CPU seconds; wall: " + ", ".join(f"{name} {record['wall_s']:.1f} s" for name, record in records.items())
          + ")")
    evaluations = parts["full"] - parts["eval-every-30"]
    exports = parts["eval-every-30"] - parts["eval-every-30-no-exports"]
    setup = parts["one-round"]
    training = parts["eval-every-30-no-exports"] - setup
    print(f"whole run (31 evaluations, exports on): {parts['full']:.1f} s")
    print(f"29 more evaluations of 10 000 images:   {evaluations:.1f} s  (every round vs every 30 rounds)")
    print(f"partition.csv + initial_weights.bin:    {exports:.1f} s  (below the run-to-run noise when |x| < ~5 s)")
    print(f"start-up + 1 round + 2 evaluations:     {setup:.1f} s  (data load, compile; stop after 10 updates)")
    print(f"the other 29 rounds of training:        {training:.1f} s  (290 client updates)")
    with open(f"{results_dir}/flower-vs-ftte-sim-timing.csv", "a", newline="") as file:
        writer = csv.writer(file)
        for name, record in records.items():
            writer.writerow([f"ftte-sim {name}", 1, f"{record['wall_s']:.2f}", f"{record['cpu_s']:.2f}",
                             f"{record['max_rss_kb'] / 1024:.0f}", f"{record['tree_peak_rss_kb'] / 1024:.0f}",
                             f"--threads {threads}"])


if __name__ == "__main__":
    if sys.argv[1] == "measure":
        measure(sys.argv[2], sys.argv[sys.argv.index("--") + 1:])
    elif sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else os.cpu_count())
    else:
        sys.exit(__doc__)
