# SPDX-License-Identifier: GPL-3.0-or-later
"""Replays train-crosscheck's run in PyTorch (float32, same architecture with batch norms folded, plain SGD)
and prints the largest per-step loss difference (relative to the loss) and, per layer, the largest difference
between the two parameter updates relative to that layer's largest update.
Usage: python crosscheck_torch.py RUN.json"""
import json
import sys

import torch

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from train_torch import ALL_MODELS  # noqa: E402

torch.set_num_threads(1)
run = json.load(open(sys.argv[1]))
make, shape = ALL_MODELS[run["model"]]
model = make()
layers = [m for m in model.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
assert len(layers) == len(run["initial"]), "layer count differs"
with torch.no_grad():
    for layer, params in zip(layers, run["initial"]):
        layer.weight.copy_(torch.tensor(params["weights"]).reshape(layer.weight.shape))
        layer.bias.copy_(torch.tensor(params["bias"]))
optimizer = torch.optim.SGD(model.parameters(), lr=run["learning_rate"])
loss_fn = torch.nn.CrossEntropyLoss()
worst_loss = 0.0
for step, data in enumerate(run["batches"]):
    x = torch.tensor(data["inputs"]).reshape(len(data["labels"]), *shape)
    y = torch.tensor(data["labels"])
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    ours = run["losses"][step]
    worst_loss = max(worst_loss, abs(loss.item() - ours) / max(1.0, abs(loss.item())))
    print(f"step {step}: loss PyTorch {loss.item():.7f}  ftte-sim {ours:.7f}")
worst_update = 0.0
for index, (layer, params) in enumerate(zip(layers, run["final"])):
    start = run["initial"][index]
    for theirs, ours, initial in ((layer.weight, params["weights"], start["weights"]), (layer.bias, params["bias"], start["bias"])):
        initial = torch.tensor(initial)
        theirs_update = theirs.detach().flatten() - initial
        ours_update = torch.tensor(ours) - initial
        scale = theirs_update.abs().max().item()
        if scale > 0:
            worst_update = max(worst_update, (theirs_update - ours_update).abs().max().item() / scale)
print(f"largest relative loss difference {worst_loss:.2e}; largest relative update difference {worst_update:.2e}")
sys.exit(0 if worst_loss < 1e-4 and worst_update < 1e-3 else 1)
