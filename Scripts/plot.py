#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Turns the reproduction's raw outputs into Results/ (CSV tables, figures) and paper/generated/ (LaTeX).

    plot.py RUNS_DIR FOOTPRINT_DIR RESULTS_DIR PAPER_GENERATED_DIR [--check]

RUNS_DIR holds one directory per manifest of Experiments/reproduce/ (as `ftte-sim sweep --out` writes them);
only complete runs (a run directory with its summary.csv) are read, so partial sweeps give partial tables.
FOOTPRINT_DIR holds the `ftte-sim footprint` CSVs. Every number in the tables comes from those files.
Confidence intervals are two-sided 95 % Student-t intervals over the replications (scipy.stats.t).
With --check it also verifies the structure and the direction the quick reproduction must show and exits 1
when they fail.
"""

from __future__ import annotations

import math
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from scipy import stats  # noqa: E402

STRATEGIES = ["fedavg", "fedasync", "fedbuff", "ftte"]
COLOURS = {"fedavg": "#1f77b4", "fedasync": "#ff7f0e", "fedbuff": "#2ca02c", "ftte": "#d62728"}
# Accuracy thresholds at which time to target is read from global.csv, besides each run's own target.
THRESHOLDS = [0.76, 0.78, 0.80]
# Consecutive evaluations at or above a threshold that reach it (the manifests' stop.target_evaluations).
TARGET_EVALUATIONS = 3
# Simulated time at which accuracy is compared across strategies (the runs' evaluations are every 2 min).
ACCURACY_AT_S = 3600.0
# Manifests whose smallest class has 256 KiB, below cnn-28's full update at batch 8 (334 352 bytes).
SMALL_CAP_MANIFESTS = {"convergence", "scratch", "stragglers", "staleness", "stand-ins", "payload"}
# The FTTE paper's claims (FTTE / FedAvg).
CLAIM_MEMORY_RATIO = 0.20
CLAIM_PAYLOAD_RATIO = 0.31
CLAIM_TIME_RATIO = 0.19
CLAIM_SPEEDUP = 1.81


# A claim holds when the measurement is within 10 % of the claimed ratio or better.
CLAIM_TOLERANCE = 1.1


def holds(value: float, claim: float) -> bool:
    return bool(not math.isnan(value) and value <= claim * CLAIM_TOLERANCE)


def footprint_pairs(footprint: pd.DataFrame):
    """Each (model, batch, cap) of the footprint tables with its FedAvg and FTTE rows, in table order."""
    if footprint.empty:
        return []
    return [
        (model, batch, cap, group[group["scheme"] == "fedavg"].iloc[0], group[group["scheme"] == "ftte"].iloc[0])
        for (model, batch, cap), group in footprint.groupby(["model", "batch", "cap_bytes"], sort=False)
    ]


def save_figure(fig, path) -> bool:
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return True


def mean_ci(values) -> tuple[float, float, int]:
    """Mean, half-width of the 95 % Student-t interval, and n (NaNs dropped)."""
    v = np.asarray([x for x in values if x is not None and not (isinstance(x, float) and math.isnan(x))], float)
    n = len(v)
    if n == 0:
        return math.nan, math.nan, 0
    if n == 1:
        return float(v[0]), math.nan, 1
    half = stats.t.ppf(0.975, n - 1) * v.std(ddof=1) / math.sqrt(n)
    return float(v.mean()), float(half), n


def load_runs(runs_dir: pathlib.Path):
    """Every complete run: its summary row (plus manifest, tool version, commit) and its global.csv."""
    rows, curves, sweep_keys = [], {}, {}
    seen = set()
    for manifest_dir in sorted(p for p in runs_dir.iterdir() if p.is_dir()):
        # A run directory holds its resolved manifest and summary; shards (`--shard I/N --out DIR/shard-I`) nest
        # one level deeper; staged (".partial") runs are incomplete and skipped.
        run_dirs = sorted(
            p.parent for p in manifest_dir.rglob("manifest.resolved.yaml")
            if ".partial" not in p.parts and (p.parent / "summary.csv").exists()
        )
        for run_dir in run_dirs:
            if run_dir.name in seen:  # the same run in two shard layouts
                continue
            seen.add(run_dir.name)
            summary = run_dir / "summary.csv"
            frame = pd.read_csv(summary)
            columns = list(frame.columns)
            keys = columns[columns.index("replication") + 1 : columns.index("name")]
            sweep_keys[manifest_dir.name] = keys
            resolved = yaml.safe_load((run_dir / "manifest.resolved.yaml").read_text())
            record = resolved["run"]
            row = frame.iloc[0].to_dict()
            row.update(
                manifest=manifest_dir.name,
                manifest_file=f"Experiments/reproduce/{manifest_dir.name}.yaml",
                tool_version=record["tool_version"],
                git_commit=record.get("git_commit", ""),
                kernel_isa=record.get("kernel_isa", ""),
            )
            for key in keys:
                row[key] = str(row[key])
            rows.append(row)
            curves[row["run_id"]] = pd.read_csv(run_dir / "global.csv")
            participations = pd.read_csv(run_dir / "devices.csv", usecols=["device_class", "outcome", "energy_mJ"])
            outcomes = participations["outcome"]
            row["excluded_devices"] = int((outcomes == "oom").sum()) if "oom" in set(outcomes) else 0
            # Energy of the participations themselves (download, training, upload), without idle sleep.
            row["participation_energy_J"] = float(participations["energy_mJ"].fillna(0).sum()) / 1000
            row.update(radio_outcomes(participations, resolved))
    return pd.DataFrame(rows), curves, sweep_keys


def radio_outcomes(participations: pd.DataFrame, resolved: dict) -> dict:
    """Per radio kind (from the resolved manifest's classes, whose names do not say it): the updates its devices
    delivered (completed participations) and the participations their link lost (dropped_link)."""
    kinds = {c["name"]: c["radio"]["kind"] for c in resolved["devices"]["classes"]}
    radio = participations["device_class"].map(kinds)
    counts = {}
    for kind in ["lorawan", "ble"]:
        mine = participations["outcome"][radio == kind]
        counts[f"{kind}_updates"] = int((mine == "completed").sum())
        counts[f"{kind}_dropped_link"] = int((mine == "dropped_link").sum())
    return counts


def time_to(curve: pd.DataFrame, threshold: float) -> float:
    """The first of TARGET_EVALUATIONS consecutive evaluations at or above `threshold` (the manifests' stop rule)."""
    above = (curve["test_accuracy"] >= threshold).to_numpy()
    for start in range(len(above) - TARGET_EVALUATIONS + 1):
        if above[start : start + TARGET_EVALUATIONS].all():
            return float(curve["time_s"].iloc[start])
    return math.nan


def accuracy_at(curve: pd.DataFrame, time_s: float) -> float:
    seen = curve[curve["time_s"] <= time_s]
    return float(seen["test_accuracy"].iloc[-1]) if len(seen) else math.nan


def enrich(runs: pd.DataFrame, curves) -> pd.DataFrame:
    runs = runs.copy()
    for threshold in THRESHOLDS:
        runs[f"time_to_{threshold:.2f}_s"] = [time_to(curves[r], threshold) for r in runs["run_id"]]
    runs[f"accuracy_at_{int(ACCURACY_AT_S)}s"] = [accuracy_at(curves[r], ACCURACY_AT_S) for r in runs["run_id"]]
    runs["initial_accuracy"] = [float(curves[r]["test_accuracy"].iloc[0]) for r in runs["run_id"]]
    runs["fleet_half_life_s"] = [
        half_life(curves[r], int(d) - int(x)) for r, d, x in zip(runs["run_id"], runs["devices"], runs["excluded_devices"])
    ]
    updates = runs["updates_received"].astype(float).where(runs["updates_received"] > 0)
    runs["energy_per_update_J"] = runs["energy_J"].astype(float) / updates
    runs["participation_energy_per_update_J"] = runs["participation_energy_J"].astype(float) / updates
    return runs


def half_life(curve: pd.DataFrame, trainable: int) -> float:
    """Simulated time at which half of the devices not excluded for memory are dead (NaN if never)."""
    alive = curve["devices_alive"].astype(float)
    dead = curve[alive <= trainable / 2]
    return float(dead["time_s"].iloc[0]) if len(dead) else math.nan


METRICS = [
    "time_to_target_s",
    "time_to_0.76_s",
    "time_to_0.78_s",
    "final_accuracy",
    "best_accuracy",
    f"accuracy_at_{int(ACCURACY_AT_S)}s",
    "peak_device_memory_bytes",
    "mean_bytes_up",
    "mean_bytes_down",
    "total_payload_bytes",
    "energy_J",
    "energy_per_update_J",
    "participation_energy_per_update_J",
    "fleet_half_life_s",
    "survivors",
    "updates_received",
    "lorawan_updates",
    "lorawan_dropped_link",
    "ble_updates",
]


def points(runs: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per sweep point: replications, reached count, and mean ± CI of each metric."""
    out = []
    for values, group in runs.groupby(keys, sort=False) if keys else [((), runs)]:
        values = values if isinstance(values, tuple) else (values,)
        row = dict(zip(keys, values))
        row["replications"] = len(group)
        row["reached_target"] = int(group["time_to_target_s"].notna().sum())
        for metric in METRICS:
            if metric not in group:
                continue
            mean, half, n = mean_ci(group[metric].astype(float))
            row[metric] = mean
            row[metric + "_ci95"] = half
        row["seed"] = int(group["seed"].iloc[0])
        row["manifest_file"] = group["manifest_file"].iloc[0]
        row["tool_version"] = group["tool_version"].iloc[0]
        out.append(row)
    return pd.DataFrame(out)


def paired_ratio(group_a: pd.DataFrame, group_b: pd.DataFrame, metric: str):
    """Per-replication ratios a/b (same seed and replication: the same world), with reached counts."""
    a = group_a.set_index("replication")[metric].astype(float)
    b = group_b.set_index("replication")[metric].astype(float)
    ratios = [a[r] / b[r] for r in a.index.intersection(b.index) if not math.isnan(a[r]) and not math.isnan(b[r])]
    return ratios, int(a.notna().sum()), int(b.notna().sum()), len(a)


def fmt(value, digits=2, unit=""):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.{digits}f}{unit}"


def fmt_ci(mean, half, digits=2):
    if isinstance(mean, float) and math.isnan(mean):
        return "n/a"
    return fmt(mean, digits) if math.isnan(half) else f"{mean:.{digits}f} ± {half:.{digits}f}"


TEX_REPLACEMENTS = [("_", r"\_"), ("%", r"\%"), ("&", r"\&"), ("#", r"\#"), ("±", r"$\pm$"),
                    ("×", r"$\times$"), ("−", r"$-$"), ("≤", r"$\le$"), ("≥", r"$\ge$"), ("{", r"\{"),
                    ("}", r"\}")]


def tex_escape(text: str) -> str:
    text = str(text)
    for old, new in TEX_REPLACEMENTS:
        text = text.replace(old, new)
    return text


def tex_table(frame: pd.DataFrame, caption: str, label: str) -> str:
    columns = list(frame.columns)
    lines = [
        r"\begin{table}[htbp]",
        r"\centering\small",
        r"\caption{" + tex_escape(caption) + "}",
        r"\label{" + label + "}",
        # Shrunk to the line width only when wider than it.
        r"\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{%",
        r"\begin{tabular}{" + "l" * len(columns) + "}",
        r"\toprule",
        " & ".join(tex_escape(c) for c in columns) + r" \\",
        r"\midrule",
    ]
    for _, row in frame.iterrows():
        lines.append(" & ".join(tex_escape(row[c]) for c in columns) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}}", r"\end{table}", ""]
    return "\n".join(lines)


def condition_label(keys, values) -> str:
    parts = []
    for key, value in zip(keys, values):
        short = key.split(".")[-1]
        if short == "model":
            value = "pre-trained" if "initial_weights" in value else "scratch"
            short = "start"
        if value.startswith("{"):  # a swept mapping, e.g. a radio: keep its values
            value = value.strip("{}").replace("kind: ", "").replace(", data_rate: ", " DR").replace(", phy: ", " ")
        parts.append(f"{short}={value}")
    return ", ".join(parts)


def time_ratios(runs: pd.DataFrame, keys: list[str], manifest: str):
    """FTTE / FedAvg time to target per condition of a manifest (every key but strategy.kind)."""
    subset = runs[runs["manifest"] == manifest]
    if subset.empty or "strategy.kind" not in keys:
        return []
    others = [k for k in keys if k != "strategy.kind"]
    result = []
    groups = subset.groupby(others, sort=False) if others else [((), subset)]
    for values, group in groups:
        values = values if isinstance(values, tuple) else (values,)
        ftte = group[group["strategy"] == "ftte"]
        fedavg = group[group["strategy"] == "fedavg"]
        fedbuff = group[group["strategy"] == "fedbuff"]
        if ftte.empty or fedavg.empty:
            continue
        row = {"manifest": manifest, "condition": condition_label(others, values)}
        for threshold_metric in ["time_to_target_s", "time_to_0.78_s", "time_to_0.76_s"]:
            ratios, reached_ftte, reached_fedavg, n = paired_ratio(ftte, fedavg, threshold_metric)
            mean, half, _ = mean_ci(ratios)
            row[threshold_metric.replace("time_to_", "ratio_").replace("_s", "")] = mean
            row[threshold_metric.replace("time_to_", "ratio_").replace("_s", "") + "_ci95"] = half
            row[threshold_metric.replace("time_to_", "reached_").replace("_s", "")] = (
                f"{reached_ftte}/{n} vs {reached_fedavg}/{n}"
            )
            row[threshold_metric.replace("time_to_", "pairs_").replace("_s", "")] = len(ratios)
        # Where FTTE got there and FedAvg never did, the ratio is at most FTTE's time over FedAvg's whole run.
        f_time = ftte.set_index("replication")["time_to_target_s"].astype(float)
        a_time = fedavg.set_index("replication")["time_to_target_s"].astype(float)
        a_end = fedavg.set_index("replication")["end_time_s"].astype(float)
        bounds = [f_time[r] / a_end[r] for r in f_time.index.intersection(a_end.index)
                  if not math.isnan(f_time[r]) and math.isnan(a_time[r]) and a_end[r] > 0]
        row["ratio_target_upper_bound"] = max(bounds) if bounds and math.isnan(row["ratio_target"]) else math.nan
        metric = f"accuracy_at_{int(ACCURACY_AT_S)}s"
        for name, other in [("fedavg", fedavg), ("fedbuff", fedbuff)]:
            if other.empty:
                continue
            diffs = [
                a - b
                for a, b in zip(
                    ftte.sort_values("replication")[metric].astype(float),
                    other.sort_values("replication")[metric].astype(float),
                )
            ]
            mean, half, _ = mean_ci(diffs)
            row[f"accuracy_minus_{name}_pp"] = 100 * mean
            row[f"accuracy_minus_{name}_pp_ci95"] = 100 * half
        result.append(row)
    return result


def figure_curves(runs, curves, manifest, selector, title, path):
    subset = runs[(runs["manifest"] == manifest)]
    try:
        subset = subset[selector(subset)]
    except KeyError:  # a reduced (quick) sweep lacks the key
        return False
    if subset.empty:
        return False
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for strategy in STRATEGIES:
        group = subset[subset["strategy"] == strategy]
        if group.empty:
            continue
        end = max(curves[r]["time_s"].max() for r in group["run_id"])
        grid = np.linspace(0, end, 200)
        values = []
        for run_id in group["run_id"]:
            curve = curves[run_id]
            step = np.interp(grid, curve["time_s"], curve["test_accuracy"])
            step[grid > curve["time_s"].max()] = np.nan  # the run stopped (target or budget)
            values.append(step)
        values = np.array(values)
        mean = np.nanmean(values, axis=0)
        ax.plot(grid / 3600, mean, color=COLOURS[strategy], label=strategy)
        ax.fill_between(
            grid / 3600, np.nanmin(values, axis=0), np.nanmax(values, axis=0), color=COLOURS[strategy], alpha=0.15
        )
    target = float(subset["target_accuracy"].iloc[0]) if "target_accuracy" in subset else math.nan
    if not math.isnan(target):
        ax.axhline(target, color="grey", lw=0.8, ls="--")
    # Asynchronous runs end within minutes, synchronous ones take hours: linear near 0, logarithmic beyond.
    ax.set_xscale("symlog", linthresh=0.1)
    ax.set_xlim(left=0)
    ax.set_xlabel("simulated time (h; linear below 0.1 h, logarithmic above)")
    ax.set_ylabel("test accuracy")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    return save_figure(fig, path)


def figure_regime_map(ratios: pd.DataFrame, path):
    """Conditions × accuracy thresholds: FTTE / FedAvg time to threshold (paired mean), coloured by regime."""
    if ratios.empty:
        return False
    columns = [("ratio_target", "reached_target", "0.80", "pairs_target"),
               ("ratio_0.78", "reached_0.78", "0.78", "pairs_0.78"), ("ratio_0.76", "reached_0.76", "0.76", "pairs_0.76")]
    labels = [f"{m}: {c}" for m, c in zip(ratios["manifest"], ratios["condition"])]
    fig, ax = plt.subplots(figsize=(8, 0.3 * len(labels) + 1.4))
    for i, (_, row) in enumerate(ratios.iterrows()):
        for j, (ratio_key, reached_key, _, pairs_key) in enumerate(columns):
            value = float(row[ratio_key])
            if math.isnan(value):
                colour, text = "#dddddd", "n/r " + str(row[reached_key]).replace(" vs ", "|")
            else:
                colour = "#1a9850" if holds(value, CLAIM_TIME_RATIO) else "#a6d96a" if value < 1 else "#f46d43"
                text = f"{value:.2f} ({int(row[pairs_key])} pair{'s' if int(row[pairs_key]) > 1 else ''})"
            ax.add_patch(plt.Rectangle((j, i), 1, 1, color=colour))
            ax.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontsize=6)
    ax.set_xlim(0, len(columns))
    ax.set_ylim(len(labels), 0)
    ax.set_xticks([j + 0.5 for j in range(len(columns))], [f"to {c[2]}" for c in columns], fontsize=7)
    ax.set_yticks([i + 0.5 for i in range(len(labels))], labels, fontsize=6)
    ax.set_title("time to accuracy, FTTE / FedAvg\ndark green: the claimed 0.19 holds; light green: FTTE faster; "
                 "red: slower; (pairs: replications where both got there)\ngrey: not reached by both (runs reaching it, FTTE|FedAvg)",
                 fontsize=7)
    return save_figure(fig, path)


def figure_memory(footprint: pd.DataFrame, path):
    if footprint.empty:
        return False
    pairs = footprint_pairs(footprint)
    fig, ax = plt.subplots(figsize=(7, 3.4))
    width = 0.27
    for i, (_, _, cap, fedavg, ftte) in enumerate(pairs):
        bars = [fedavg["eager_bytes"], fedavg["static_peak_bytes"], ftte["static_peak_bytes"]]
        for j, (value, colour) in enumerate(zip(bars, ["#8c564b", COLOURS["fedavg"], COLOURS["ftte"]])):
            ax.bar(i + (j - 1) * width, value / 1024, width, color=colour,
                   label=["FedAvg, eager accounting", "FedAvg, static plan", "FTTE sparse update"][j] if i == 0 else None)
        ax.hlines(cap / 1024, i - 1.5 * width, i + 1.5 * width, color="black", lw=1)
    ax.set_xticks(range(len(pairs)), [f"{m}\nb{b}, {c // 1024} KiB" for m, b, c, _, _ in pairs], fontsize=6)
    ax.set_yscale("log")
    ax.set_ylabel("training memory (KiB, log)")
    ax.legend(fontsize=7)
    return save_figure(fig, path)


def figure_sweep(points_frame: pd.DataFrame, key: str, metric: str, ylabel: str, path, by_strategy=True):
    if points_frame.empty or key not in points_frame:
        return False
    fig, ax = plt.subplots(figsize=(5, 3.2))
    groups = points_frame.groupby("strategy.kind", sort=False) if by_strategy and "strategy.kind" in points_frame \
        else [("ftte", points_frame)]
    for strategy, group in groups:
        x = list(group[key])
        ax.errorbar(range(len(x)), group[metric], yerr=group[metric + "_ci95"].fillna(0), marker="o", capsize=3,
                    color=COLOURS.get(strategy, "black"), label=strategy)
        ax.set_xticks(range(len(x)), x, fontsize=7, rotation=15)
    ax.set_xlabel(key.split(".")[-1])
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=7)
    return save_figure(fig, path)


def main(argv) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    if len(args) != 4:
        print(__doc__, file=sys.stderr)
        return 64
    runs_dir, footprint_dir, results_dir, generated_dir = map(pathlib.Path, args)
    figures = results_dir / "figures"
    for d in [results_dir / "runs", results_dir / "points", figures, generated_dir]:
        d.mkdir(parents=True, exist_ok=True)
    problems = []

    runs, curves, sweep_keys = load_runs(runs_dir)
    if runs.empty:
        problems.append(f"no complete run under {runs_dir}")
        runs = pd.DataFrame(columns=["manifest", "strategy", "run_id", "replication"])
    else:
        runs = enrich(runs, curves)
    point_frames = {}
    for manifest in sorted(sweep_keys):
        keys = sweep_keys[manifest]
        subset = runs[runs["manifest"] == manifest]
        subset.to_csv(results_dir / "runs" / f"{manifest}.csv", index=False)
        point_frames[manifest] = points(subset, keys)
        point_frames[manifest].to_csv(results_dir / "points" / f"{manifest}.csv", index=False)

    footprint_files = sorted(footprint_dir.glob("*.csv")) if footprint_dir.exists() else []
    footprint = pd.concat([pd.read_csv(f) for f in footprint_files], ignore_index=True) if footprint_files \
        else pd.DataFrame()
    if footprint.empty:
        problems.append(f"no footprint CSV under {footprint_dir}")
    else:
        footprint.to_csv(results_dir / "footprint.csv", index=False)

    layer_files = sorted((footprint_dir / "layers").glob("*.csv")) if footprint_dir.exists() else []
    if layer_files:
        pd.concat([pd.read_csv(f) for f in layer_files], ignore_index=True).to_csv(
            results_dir / "memory-per-layer.csv", index=False)

    # Claims: memory and payload per update (the planner's and the codec's bytes, no training needed).
    claims = []
    memory_rows = []
    for model, batch, cap, fedavg, ftte in footprint_pairs(footprint):
        memory_rows.append({
            "model": model, "batch": int(batch), "cap (KiB)": int(cap) // 1024,
            "FedAvg eager (B)": int(fedavg["eager_bytes"]), "FedAvg static (B)": int(fedavg["static_peak_bytes"]),
            "FTTE static (B)": int(ftte["static_peak_bytes"]),
            "FTTE/FedAvg static": fmt(ftte["static_peak_bytes"] / fedavg["static_peak_bytes"]),
            "FTTE/FedAvg eager": fmt(ftte["static_peak_bytes"] / fedavg["eager_bytes"]),
            "trained params": f"{int(ftte['params_trained'])}/{int(ftte['params_total'])}",
            "FTTE/FedAvg upload": fmt(ftte["upload_bytes"] / fedavg["upload_bytes"]),
            "fits FedAvg/FTTE": f"{'yes' if fedavg['fits_cap'] else 'no'}/{'yes' if ftte['fits_cap'] else 'no'}",
        })
        if not bool(ftte["fits_cap"]):
            continue  # not even FTTE's smallest update fits: no FTTE configuration to compare
        for name, value, claim in [
            ("memory (static planner baseline)", ftte["static_peak_bytes"] / fedavg["static_peak_bytes"],
             CLAIM_MEMORY_RATIO),
            ("memory (eager framework baseline)", ftte["static_peak_bytes"] / fedavg["eager_bytes"],
             CLAIM_MEMORY_RATIO),
            ("payload per update", ftte["upload_bytes"] / fedavg["upload_bytes"], CLAIM_PAYLOAD_RATIO),
        ]:
            claims.append({"claim": name, "condition": f"{model}, batch {int(batch)}, cap {int(cap) // 1024} KiB",
                           "claimed_ratio": claim, "measured_ratio": value, "ci95": math.nan, "n": 1,
                           "holds": holds(value, claim)})
    memory_table = pd.DataFrame(memory_rows)
    memory_table.to_csv(results_dir / "memory-payload.csv", index=False)

    # Claims: convergence (paired by replication: the same seed gives the same world).
    ratio_rows = []
    for manifest in ["convergence", "stragglers", "concurrency", "fleets", "batch",
                     "sensitivity-compute", "sensitivity-radio"]:
        if manifest in sweep_keys:
            ratio_rows += time_ratios(runs, sweep_keys[manifest], manifest)
    ratios = pd.DataFrame(ratio_rows)
    ratios.to_csv(results_dir / "time-to-target-ratios.csv", index=False)
    for row in ratio_rows:
        value, bound = row["ratio_target"], row["ratio_target_upper_bound"]
        condition = f"{row['manifest']}: {row['condition']}"
        if math.isnan(value) and not math.isnan(bound):
            value, condition = bound, condition + " (at most: FedAvg never got there)"
        claims.append({"claim": "time to target (FTTE/FedAvg)", "condition": condition,
                       "claimed_ratio": CLAIM_TIME_RATIO, "measured_ratio": value, "ci95": row["ratio_target_ci95"],
                       "n": row["reached_target"],
                       "holds": holds(value, CLAIM_TIME_RATIO)})
        if "accuracy_minus_fedbuff_pp" in row:
            claims.append({"claim": "accuracy at 1 h or the update budget, FTTE − FedBuff (pp)",
                           "condition": f"{row['manifest']}: {row['condition']}", "claimed_ratio": 0.0,
                           "measured_ratio": row["accuracy_minus_fedbuff_pp"],
                           "ci95": row["accuracy_minus_fedbuff_pp_ci95"], "n": "",
                           "holds": bool(row["accuracy_minus_fedbuff_pp"] >= -1.0)})
    # Payload to target (bytes down + up until the run reached it), frozen weights provisioned or downloaded once.
    if "payload" in sweep_keys:
        subset = runs[runs["manifest"] == "payload"]
        reached = subset[subset["stop_reason"] == "target_accuracy"]
        fedavg = reached[reached["subnet_policy"] == "full"].set_index("replication")["total_payload_bytes"]
        key = "strategy.subnet"
        for mode in ["provisioned", "downloaded"]:
            ftte = reached[reached[key].astype(str).str.contains(mode)].set_index("replication")["total_payload_bytes"]
            pair_ratios = [float(ftte[r]) / float(fedavg[r]) for r in ftte.index.intersection(fedavg.index)]
            mean, half, n = mean_ci(pair_ratios)
            claims.append({"claim": "payload to target", "condition": f"payload: frozen weights {mode}",
                           "claimed_ratio": CLAIM_PAYLOAD_RATIO, "measured_ratio": mean, "ci95": half,
                           "n": f"{n} pairs of {subset['replication'].nunique()}",
                           "holds": holds(mean, CLAIM_PAYLOAD_RATIO)})
    for manifest in ["convergence", "stragglers"]:
        subset = runs[runs["manifest"] == manifest] if not runs.empty else runs
        if subset.empty:
            continue
        fedavg, ftte = subset[subset["strategy"] == "fedavg"], subset[subset["strategy"] == "ftte"]
        if fedavg.empty or ftte.empty:
            continue
        value = ftte["mean_bytes_up"].astype(float).mean() / fedavg["mean_bytes_up"].astype(float).mean()
        claims.append({"claim": "payload per update (runs)", "condition": f"{manifest}: cnn-28, batch 8, 256 KiB",
                       "claimed_ratio": CLAIM_PAYLOAD_RATIO, "measured_ratio": value, "ci95": math.nan,
                       "n": len(ftte), "holds": holds(value, CLAIM_PAYLOAD_RATIO)})
    claims_frame = pd.DataFrame(claims)
    claims_frame.to_csv(results_dir / "claims.csv", index=False)

    # Figures.
    made = []
    if figure_memory(footprint, figures / "memory.png"):
        made.append("memory.png")
    if figure_regime_map(ratios, figures / "regime-map.png"):
        made.append("regime-map.png")
    for manifest, label in [("convergence", "pre-trained start"), ("scratch", "random start")]:
        if manifest not in sweep_keys:
            continue
        for count in sorted(runs[runs["manifest"] == manifest]["devices"].unique()):
            name = f"curves-{manifest}-{int(count)}.png"
            if figure_curves(runs, curves, manifest, lambda f, c=count: f["devices"] == c,
                             f"{label}, {int(count)} clients (mean; band: min–max over replications)",
                             figures / name):
                made.append(name)
    if "stragglers" in sweep_keys:
        name = "curves-stragglers-0.9.png"
        if figure_curves(runs, curves, "stragglers",
                         lambda f: (f["devices.stragglers.fraction"] == "0.9")
                         & (f["devices.stragglers.partial_work"] == "False"),
                         "90 % stragglers (slowdown), 100 clients, pre-trained", figures / name):
            made.append(name)
    sweep_figures = [
        ("capacity", "strategy.subnet.capacity_ratio", "final_accuracy", "final accuracy"),
        ("staleness", "strategy.staleness", "time_to_target_s", "time to target (s)"),
        ("stand-ins", "strategy.variance", "time_to_target_s", "time to target (s)"),
        ("energy", "strategy.kind", "energy_J", "fleet energy (J)"),
        ("sensitivity-compute", "devices.classes[0].macs_per_s", "time_to_target_s", "time to target (s)"),
        ("sensitivity-radio", "devices.classes[0].radio.data_rate", "time_to_target_s", "time to target (s)"),
    ]
    for manifest, key, metric, ylabel in sweep_figures:
        if manifest in point_frames and figure_sweep(point_frames[manifest], key, metric, ylabel,
                                                     figures / f"{manifest.replace('repro-', '')}.png"):
            made.append(f"{manifest.replace('repro-', '')}.png")

    # LaTeX: tables and the figure list, generated only from the frames above.
    tables = []
    if not claims_frame.empty:
        shown = claims_frame.copy()
        shown["measured"] = [fmt_ci(m, h) for m, h in zip(shown["measured_ratio"].astype(float),
                                                           shown["ci95"].astype(float))]
        shown = shown[["claim", "condition", "claimed_ratio", "measured", "n", "holds"]]
        shown["holds"] = shown["holds"].map({True: "yes", False: "no"})
        tables.append(tex_table(shown, "Each claim (FTTE / FedAvg unless stated) beside our measurement "
                                "(mean ± 95 % CI over replications; n: runs reaching the target, FTTE vs FedAvg).",
                                "tab:claims"))
    if not memory_table.empty:
        tables.append(tex_table(memory_table, "Training memory and upload payload per update: FedAvg's full "
                                "update (eager accounting and this engine's static plan) against FTTE's sparse "
                                "update chosen under each cap.", "tab:memory"))
    learning = [("time_to_target_s", "time to target (s)", 0), ("final_accuracy", "final accuracy", 3)]
    energy = [("energy_J", "fleet energy (J)", 1), ("survivors", "survivors", 1),
              ("energy_per_update_J", "fleet J per update", 3),
              ("participation_energy_per_update_J", "participation J per update", 3),
              ("fleet_half_life_s", "half the fleet dead (s)", 0)]
    radios = [("updates_received", "updates", 0), ("lorawan_updates", "LoRaWAN updates", 1),
              ("lorawan_dropped_link", "LoRaWAN links lost", 1), ("ble_updates", "BLE updates", 1)]
    for manifest, caption, metrics in [
        ("staleness", "FTTE server under each staleness decay (90 % stragglers).", learning),
        ("stand-ins", "FTTE's stand-in assumptions, one at a time.", learning),
        ("capacity", "FTTE server with rolling sub-networks at each capacity ratio.", learning),
        ("fleets", "Radio fleets (classes 0 and 1, 60 % and 40 % of 100 devices): updates delivered over each "
         "radio and LoRaWAN participations lost on the link.", learning + radios),
        ("energy", "Energy and survivors per strategy (1 mAh budget per device, two days or 20 000 updates).",
         [("updates_received", "updates", 0)] + energy),
        ("payload", "Payload to target with frozen weights provisioned or downloaded once.",
         learning + [("total_payload_bytes", "payload to end (B)", 0)]),
    ]:
        frame = point_frames.get(manifest)
        if frame is None or frame.empty:
            continue
        keys = sweep_keys[manifest]
        table = frame[keys].copy()
        table["reached"] = [f"{r}/{n}" for r, n in zip(frame["reached_target"], frame["replications"])]
        for metric, label, digits in metrics:
            table[label] = [fmt_ci(m, h, digits) for m, h in zip(frame[metric], frame[metric + "_ci95"])]
        tables.append(tex_table(table, caption, f"tab:{manifest}"))
    (generated_dir / "tables.tex").write_text("\n".join(tables) or "% no results yet\n")
    figure_tex = []
    for name in made:
        figure_tex += [r"\begin{figure}[htbp]\centering",
                       r"\includegraphics[width=0.85\linewidth]{" + f"../Results/figures/{name}" + "}",
                       r"\caption{" + tex_escape(name.removesuffix(".png")) + "}", r"\end{figure}", ""]
    (generated_dir / "figures.tex").write_text("\n".join(figure_tex) or "% no figures yet\n")
    (generated_dir / "numbers.tex").write_text(numbers_tex(claims_frame, footprint, runs))
    if not runs.empty:
        provenance_rows = [
            {"manifest": m, "manifest_file": g["manifest_file"].iloc[0], "runs": len(g),
             "points": len(point_frames.get(m, [])), "seed": int(g["seed"].iloc[0]),
             "tool_version": ";".join(sorted(set(g["tool_version"].astype(str)))),
             "git_commit": ";".join(sorted(set(g["git_commit"].astype(str)))),
             "kernel_isa": ";".join(sorted(set(g["kernel_isa"].astype(str))))}
            for m, g in runs.groupby("manifest", sort=True)
        ]
        pd.DataFrame(provenance_rows).to_csv(results_dir / "provenance.csv", index=False)
    counts = runs.groupby("manifest").size().to_dict() if not runs.empty else {}
    provenance = ", ".join(f"{m} ({n} runs)" for m, n in sorted(counts.items()))
    versions = sorted(set(runs.get("tool_version", pd.Series(dtype=str)).astype(str)))
    commits = sorted(set(runs.get("git_commit", pd.Series(dtype=str)).astype(str).str[:10]))
    (generated_dir / "provenance.tex").write_text(
        tex_escape(f"Runs read: {provenance or 'none'}; ftte-sim {', '.join(versions)} at commit "
                   f"{', '.join(commits)}.") + "\n")
    print(f"plot.py: {len(runs)} runs from {len(counts)} manifests, {len(made)} figures -> {results_dir}, "
          f"{generated_dir}", file=sys.stderr)

    if check:
        problems += check_quick(runs, footprint, results_dir)
        for problem in problems:
            print(f"plot.py: check failed: {problem}", file=sys.stderr)
        return 1 if problems else 0
    return 0


def numbers_tex(claims_frame: pd.DataFrame, footprint: pd.DataFrame, runs: pd.DataFrame) -> str:
    """LaTeX macros summarising each claim family: the measured range and how many conditions hold."""
    lines = ["% Generated by Scripts/plot.py from Results/claims.csv, Results/footprint.csv and Results/runs/."]
    # How much simulated time the update budget gave each strategy (runs that stopped on max_updates), minutes.
    for strategies, macro in [(["ftte"], "FTTEBudgetMinutes"), (["fedasync", "fedbuff"], "AsyncBudgetMinutes"),
                              (["fedavg"], "FedAvgBudgetMinutes")]:
        # energy.yaml has its own, larger budget (20 000 updates or two days).
        stopped = runs[runs["strategy"].isin(strategies) & (runs["stop_reason"] == "max_updates")
                       & (runs["manifest"] != "energy")] if not runs.empty and "stop_reason" in runs else pd.DataFrame()
        text = "n/a" if stopped.empty else (
            f"{stopped['end_time_s'].astype(float).min() / 60:.0f}--{stopped['end_time_s'].astype(float).max() / 60:.0f}")
        lines.append("\\newcommand{\\" + macro + "}{" + text + "}")
    lines += radio_energy_macros(runs)
    # The sub-network FTTE trains on the runs' fleets: cnn-28 at batch 8 under the 256 KiB cap.
    sparse = footprint[(footprint["model"] == "cnn-28") & (footprint["batch"] == 8) & (footprint["cap_bytes"] == 262144)
                       & (footprint["scheme"] == "ftte")] if not footprint.empty else footprint
    trained = (f"{int(sparse['params_trained'].iloc[0]):,} of {int(sparse['params_total'].iloc[0]):,}".replace(",", "\\,")
               if not sparse.empty else "n/a")
    lines.append("\\newcommand{\\FTTESubnetParameters}{" + trained + "}")
    full = footprint[footprint["scheme"] == "fedavg"] if not footprint.empty else footprint
    if full.empty:
        lines.append("\\newcommand{\\EagerOverStaticRange}{n/a}")
    else:
        ratio = (full["eager_bytes"] / full["static_peak_bytes"]).astype(float)
        lines.append("\\newcommand{\\EagerOverStaticRange}{" + f"{ratio.min():.1f}--{ratio.max():.1f}" + "}")
    families = {
        "MemoryStatic": "memory (static planner baseline)",
        "MemoryEager": "memory (eager framework baseline)",
        "Payload": "payload per update",
        "TimeRatio": "time to target (FTTE/FedAvg)",
        "AccuracyVsFedBuff": "accuracy at 1 h or the update budget, FTTE − FedBuff (pp)",
    }
    for macro, claim in families.items():
        rows = claims_frame[claims_frame["claim"] == claim] if not claims_frame.empty else claims_frame
        values = rows["measured_ratio"].astype(float).dropna() if not rows.empty else pd.Series(dtype=float)
        if values.empty:
            text, holds = "n/a", "0 of 0"
        else:
            text = f"{values.min():.2f}" if values.min() == values.max() else f"{values.min():.2f}--{values.max():.2f}"
            holds = f"{int(rows['holds'].sum())} of {len(rows)}"
        lines.append("\\newcommand{\\" + macro + "Range}{" + text + "}")
        lines.append("\\newcommand{\\" + macro + "Holds}{" + holds + "}")
    return "\n".join(lines) + "\n"


def per_strategy(frame: pd.DataFrame, metric: str, digits: int, scale: float = 1.0, missing: str = "n/a") -> str:
    """`FedAvg a, FedAsync b, …`: the mean of `metric` (times `scale`) over each strategy's runs in `frame`
    (`missing` for a strategy whose runs all lack it)."""
    names = {"fedavg": "FedAvg", "fedasync": "FedAsync", "fedbuff": "FedBuff", "ftte": "FTTE"}
    parts = []
    for strategy in STRATEGIES:
        if frame.empty or not (frame["strategy"] == strategy).any():
            continue
        values = frame[frame["strategy"] == strategy][metric].astype(float).dropna()
        parts.append(f"{names[strategy]} {values.mean() * scale:.{digits}f}" if len(values) else
                     f"{names[strategy]} {missing}")
    return ", ".join(parts) or "n/a"


def radio_energy_macros(runs: pd.DataFrame) -> list[str]:
    """Macros for the radio and energy paragraphs: updates over LoRaWAN in the fleets and the energy budget's
    fleet half-life, per strategy (means over replications)."""
    lines = []
    empty = pd.DataFrame(columns=["strategy"])

    def of(manifest: str) -> pd.DataFrame:
        return runs[runs["manifest"] == manifest] if not runs.empty else empty

    fleets = of("fleets")
    radio_keys = ["devices.classes[0].radio", "devices.classes[1].radio"]
    if not fleets.empty and all(k in fleets for k in radio_keys):
        lora_only = fleets[fleets[radio_keys[0]].str.contains("lorawan") & fleets[radio_keys[1]].str.contains("lorawan")]
        mixed = fleets[fleets[radio_keys[0]].str.contains("lorawan") & fleets[radio_keys[1]].str.contains("ble")]
    else:
        lora_only = mixed = empty
    lines.append("\\newcommand{\\LoRaOnlyUpdates}{" + per_strategy(lora_only, "updates_received", 0) + "}")
    lines.append("\\newcommand{\\LoRaOnlyLinksLost}{" + per_strategy(lora_only, "lorawan_dropped_link", 0) + "}")
    lines.append("\\newcommand{\\MixedLoRaUpdates}{" + per_strategy(mixed, "lorawan_updates", 0) + "}")
    lines.append("\\newcommand{\\MixedBLEUpdates}{" + per_strategy(mixed, "ble_updates", 0) + "}")
    convergence = of("convergence")
    convergence = convergence[convergence["devices"] == 100] if not convergence.empty else empty
    lines.append("\\newcommand{\\ConvergenceUpdates}{" + per_strategy(convergence, "updates_received", 0) + "}")
    lines.append("\\newcommand{\\ConvergenceLoRaUpdates}{" + per_strategy(convergence, "lorawan_updates", 0) + "}")
    concurrency = of("concurrency")
    concurrency = concurrency[concurrency["strategy"] == "ftte"] if not concurrency.empty else empty
    parts = []
    if not concurrency.empty and "strategy.concurrency" in concurrency:
        for value, group in sorted(concurrency.groupby("strategy.concurrency"), key=lambda item: int(item[0])):
            reached = group["time_to_target_s"].astype(float).dropna()
            when = f", mean {reached.mean() / 3600:.1f} h" if len(reached) else ""
            parts.append(f"{value} open: {len(reached)} of {len(group)} reached 0.80{when}, "
                         f"{group['updates_received'].astype(float).mean():.0f} updates")
    lines.append("\\newcommand{\\ConcurrencyFTTE}{" + ("; ".join(parts) or "n/a") + "}")
    energy = of("energy")
    lines.append("\\newcommand{\\EnergyHalfLifeHours}{"
                 + per_strategy(energy, "fleet_half_life_s", 1, 1 / 3600, "(not within the run)") + "}")
    lines.append("\\newcommand{\\EnergyUpdates}{" + per_strategy(energy, "updates_received", 0) + "}")
    lines.append("\\newcommand{\\EnergyLoRaUpdates}{" + per_strategy(energy, "lorawan_updates", 0) + "}")
    lines.append("\\newcommand{\\EnergyLoRaLinksLost}{" + per_strategy(energy, "lorawan_dropped_link", 0) + "}")
    lines.append("\\newcommand{\\EnergyPerUpdate}{"
                 + per_strategy(energy, "participation_energy_per_update_J", 3) + "}")
    return lines


def check_quick(runs: pd.DataFrame, footprint: pd.DataFrame, results_dir: pathlib.Path) -> list[str]:
    """Structure (files, columns, non-empty) and direction (FTTE below FedAvg in memory and payload)."""
    problems = []
    for name in ["claims.csv", "memory-payload.csv", "time-to-target-ratios.csv", "footprint.csv"]:
        path = results_dir / name
        if not path.exists() or path.stat().st_size <= 1 or len(pd.read_csv(path)) == 0:
            problems.append(f"{path} missing or empty")
    for column in ["run_id", "strategy", "peak_device_memory_bytes", "mean_bytes_up", "time_to_target_s"]:
        if column not in runs:
            problems.append(f"runs lack column {column}")
    for model, batch, cap, fedavg, ftte in footprint_pairs(footprint):
        # Where the full update fits the cap, FTTE trains it all: equal, never more.
        strict = not bool(fedavg["fits_cap"])
        for column, what in [("static_peak_bytes", "memory"), ("upload_bytes", "payload")]:
            below = ftte[column] < fedavg[column] if strict else ftte[column] <= fedavg[column]
            if not below:
                problems.append(f"{model} b{batch} cap {cap}: FTTE {what} not below FedAvg's")
    if "strategy" in runs and not runs.empty:
        for manifest, group in runs.groupby("manifest"):
            fedavg = group[group["strategy"] == "fedavg"]
            ftte = group[(group["strategy"] == "ftte") & (group["subnet_policy"] == "sparse-update")]
            if fedavg.empty or ftte.empty:
                continue
            # On the 256 KiB fleet FedAvg's full update does not fit: FTTE must train less. Elsewhere (512 KiB on
            # every class) FTTE's sparse update may be the whole model: never more.
            strict = manifest in SMALL_CAP_MANIFESTS
            for column, what in [("peak_device_memory_bytes", "peak device memory"), ("mean_bytes_up", "payload")]:
                # A run in which no update arrived (e.g. a LoRaWAN-only fleet) has no payload per update.
                most, least = ftte[column].dropna().max(), fedavg[column].dropna().min()
                if math.isnan(most) or math.isnan(least):
                    continue
                if not (most < least if strict else most <= least):
                    problems.append(f"{manifest}: FTTE {what} per update not below FedAvg's")
    return problems


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
