# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch CPU counterpart of train-bench: the same architectures (batch norm frozen and folded, as in
ftte-sim's compiled models, so plain conv layers with bias), plain SGD, one thread, full update.
Also probes the machine's single-thread peak with a 1024×1024 float32 matrix multiply.
Prints CSV: implementation,model,batch,steps,seconds,samples_per_s,gmacs_per_s
Usage: python train_torch.py [MIN_SECONDS]"""
import sys
import time

import torch
from torch import nn

MIN_SECONDS = 2.0


def mlp28():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))


def cnn28():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(16 * 7 * 7, 10))


def cnn_cifar():
    layers, channels = [], 3
    for index, out in enumerate([16, 32, 64, 64]):
        layers += [nn.Conv2d(channels, out, 3, padding=1), nn.ReLU()]
        if index < 3:
            layers.append(nn.MaxPool2d(2, 2))
        channels = out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    return nn.Sequential(*layers)


def divisible(value, divisor=8):
    """_make_divisible of the MobileNetV2 reference implementation."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


class InvertedResidual(nn.Module):
    """MobileNetV2 block with its batch norms folded into the convolutions (convolutions with bias)."""

    def __init__(self, channels, out, stride, expand):
        super().__init__()
        hidden = channels * expand
        layers = [nn.Conv2d(channels, hidden, 1), nn.ReLU6()] if expand != 1 else []
        layers += [nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden), nn.ReLU6(), nn.Conv2d(hidden, out, 1)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and channels == out

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


def mobilenetv2_cifar(width=0.35):
    stages = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
    channels = divisible(32 * width)
    layers = [nn.Conv2d(3, channels, 3, 1, 1), nn.ReLU6()]
    for expand, c, repeats, stride in stages:
        for index in range(repeats):
            out = divisible(c * width)
            layers.append(InvertedResidual(channels, out, stride if index == 0 else 1, expand))
            channels = out
    head = divisible(1280 * width)
    layers += [nn.Conv2d(channels, head, 1), nn.ReLU6(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(head, 10)]
    return nn.Sequential(*layers)


MODELS = {"mlp-28": (mlp28, (1, 28, 28)), "cnn-28": (cnn28, (1, 28, 28)), "cnn-cifar": (cnn_cifar, (3, 32, 32))}
ALL_MODELS = {**MODELS, "mobilenetv2-cifar": (mobilenetv2_cifar, (3, 32, 32))}


def matmul_peak_gmacs(n=1024):
    """Single-thread float32 matrix-multiply rate in GMAC/s."""
    a, b = torch.rand(n, n), torch.rand(n, n)
    torch.mm(a, b)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < MIN_SECONDS:
        torch.mm(a, b)
        steps += 1
    return steps * n ** 3 / (time.perf_counter() - start) / 1e9


def main():
    global MIN_SECONDS
    torch.set_num_threads(1)
    MIN_SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    print("implementation,model,batch,steps,seconds,samples_per_s,gmacs_per_s")
    for name, (make, shape) in MODELS.items():
        for batch in (1, 32):
            torch.manual_seed(1)
            model = make()
            optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
            loss_fn = nn.CrossEntropyLoss()
            x = torch.rand(batch, *shape)
            y = torch.randint(0, 10, (batch,))

            def step():
                optimizer.zero_grad(set_to_none=True)
                loss_fn(model(x), y).backward()
                optimizer.step()

            step()
            steps, start = 0, time.perf_counter()
            while time.perf_counter() - start < MIN_SECONDS:
                step()
                steps += 1
            elapsed = time.perf_counter() - start
            print(f"pytorch {torch.__version__},{name},{batch},{steps},{elapsed},{steps * batch / elapsed},")
    print(f"matmul-probe torch.mm 1024,peak,1,,,,{matmul_peak_gmacs()}")


if __name__ == "__main__":
    main()
