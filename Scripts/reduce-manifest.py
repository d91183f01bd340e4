#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints a reduced copy of a reproduction manifest for `Scripts/reproduce --quick`.

    reduce-manifest.py MANIFEST

One replication; the first value of every swept or zipped key except strategy.kind and the keys zipped with it
(so each manifest still compares its strategies); 20 devices (5 training at once); 1 500 training images; 300 test images; at most 60
updates per run. Everything else (the world, the strategies, the stop rule's other limits) is the manifest's own.
"""

import sys

import yaml

QUICK_DEVICES = 20
QUICK_CONCURRENCY = 5
QUICK_TRAIN_EXAMPLES = 1500
QUICK_TEST_SUBSET = 300
QUICK_MAX_UPDATES = 60


def reduce(manifest: dict) -> dict:
    manifest["name"] = manifest["name"] + "-quick"
    manifest["replications"] = 1
    manifest["dataset"]["train_examples"] = QUICK_TRAIN_EXAMPLES
    manifest["devices"]["count"] = QUICK_DEVICES
    if "concurrency" in manifest.get("strategy", {}):
        manifest["strategy"]["concurrency"] = QUICK_CONCURRENCY
    manifest.setdefault("evaluation", {})["test_subset"] = QUICK_TEST_SUBSET
    stop = manifest.setdefault("stop", {})
    stop["max_updates"] = min(stop.get("max_updates", QUICK_MAX_UPDATES), QUICK_MAX_UPDATES)
    for block in ("sweep", "zip"):
        keys = manifest.get(block, {})
        # A zip that pairs strategy.kind with other keys keeps its length (its lists go together).
        keep = 1 if block == "sweep" or "strategy.kind" not in keys else None
        for key, values in keys.items():
            if key == "devices.count":
                keys[key] = [QUICK_DEVICES] * (keep or len(values))
            elif key == "strategy.concurrency":
                keys[key] = [QUICK_CONCURRENCY] * (keep or len(values))
            elif key != "strategy.kind" and keep:
                keys[key] = values[:keep]
    return manifest


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    with open(sys.argv[1], encoding="utf-8") as handle:
        text = yaml.safe_load(handle)
    print("# Reduced by Scripts/reduce-manifest.py from " + sys.argv[1])
    print(yaml.safe_dump(reduce(text), sort_keys=False, allow_unicode=True), end="")
