# SPDX-License-Identifier: GPL-3.0-or-later
"""FedAvg in Flower's simulation engine (ServerApp / ClientApp, the built-in FedAvg strategy, PyTorch), replaying
one ftte-sim run of Experiments/bench/flower-fedavg.yaml: the same devices train on the same examples
(partition.csv) from the same start (initial_weights.bin), and each round trains the cohort ftte-sim chose
(devices.csv: round, device_id). Flower's FedAvg samples nodes with its own RNG; the only change to it is a
subclass whose configure_train sends the round's messages to the nodes holding that cohort's partitions.
Aggregation (weighted by num-examples), messaging and scheduling are Flower's own. The global model is
evaluated centrally on the 10 000 test images before the first round and after every round.

Each ClientApp trains with one PyTorch thread and asks for one CPU (client resources); Ray runs as many at
once as the machine has cores. Images are b / 255, as ftte-sim loads them.

Usage: python flower_fedavg.py --run-dir OUT/RUN --data-dir data/fashion-mnist --out flower.csv
Writes CSV: round,test_accuracy,test_loss,elapsed_s (elapsed since the script started)."""
import argparse
import csv
import gzip
import os
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

from flwr.app import ArrayRecord, ConfigRecord, Context, Message, MessageType, MetricRecord, RecordDict
from flwr.clientapp import ClientApp
from flwr.serverapp import Grid, ServerApp
from flwr.serverapp.strategy import FedAvg
from flwr.simulation import run_simulation

STARTED = time.perf_counter()
# Settings reach the Ray workers through the environment (the ClientApp only sees its node's context).
ENV = "FLOWER_FEDAVG_"


def setting(name):
    return os.environ[ENV + name]


def make_model():
    """cnn-28-nopad (Experiments/models/cnn-28-nopad.yaml): PyTorch's nn.Conv2d has no padding by default."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 10))


def load_weights_file(path, model):
    """Reads ftte-sim's WeightsFile (Sources/Scenario/WeightsFile.swift): magic FTTEW001, u16 name length, name,
    then one PayloadCodec message (Sources/Federation/PayloadCodec.swift) holding every tensor whole in float32:
    u32 version, u16 tensor count, per tensor u16 id, u8 index tag (0: all), u8 precision (0: float32), values.
    Tensors come layer by layer, weight then bias, row-major as PyTorch stores them (conv [out][in][kh][kw],
    linear [out][in]), which is the order of a Sequential's state_dict (as in Benchmarks/crosscheck_torch.py)."""
    data = open(path, "rb").read()
    assert data[:8] == b"FTTEW001", f"{path}: not a weights file"
    (length,) = struct.unpack_from("<H", data, 8)
    offset = 10 + length
    _, count = struct.unpack_from("<IH", data, offset)
    offset += 6
    state = model.state_dict()
    assert count == len(state), f"{path}: {count} tensors, the model has {len(state)}"
    loaded = {}
    for expected_id, (key, tensor) in enumerate(state.items()):
        tensor_id, tag, precision = struct.unpack_from("<HBB", data, offset)
        offset += 4
        assert (tensor_id, tag, precision) == (expected_id, 0, 0), f"{path}: tensor {expected_id} not whole float32"
        values = np.frombuffer(data, dtype="<f4", count=tensor.numel(), offset=offset)
        offset += 4 * tensor.numel()
        loaded[key] = torch.from_numpy(values.copy()).reshape(tensor.shape)
    assert offset == len(data), f"{path}: trailing bytes"
    model.load_state_dict(loaded)
    return model


def read_idx(path):
    """An IDX file (gzip or raw): unsigned bytes of rank 1 (labels) or 3 (images)."""
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    rank = raw[3]
    dims = struct.unpack_from(">" + "I" * rank, raw, 4)
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load_split(data_dir, prefix):
    images = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    features = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    return features, torch.from_numpy(labels.astype(np.int64))


_TRAIN = {}


def client_data(partition_id):
    """This worker's copy of the training split and of partition.csv, loaded once per Ray worker."""
    if not _TRAIN:
        _TRAIN["data"] = load_split(setting("DATA_DIR"), "train")
        held = {}
        with open(os.path.join(setting("RUN_DIR"), "partition.csv")) as file:
            for row in csv.DictReader(file):
                held.setdefault(int(row["device_id"]), []).append(int(row["example_index"]))
        _TRAIN["partition"] = {device: torch.tensor(indices) for device, indices in held.items()}
    features, labels = _TRAIN["data"]
    indices = _TRAIN["partition"][partition_id]
    return features[indices], labels[indices]


app = ClientApp()


@app.query()
def query(message: Message, context: Context) -> Message:
    """Tells the server which partition (ftte-sim device) this node holds."""
    partition = int(context.node_config["partition-id"])
    return Message(RecordDict({"node": MetricRecord({"partition-id": partition})}), reply_to=message)


@app.train()
def train(message: Message, context: Context) -> Message:
    """One participation: local SGD epochs on this node's examples, as any Flower PyTorch client does."""
    torch.set_num_threads(1)
    partition = int(context.node_config["partition-id"])
    features, labels = client_data(partition)
    model = make_model()
    model.load_state_dict(message.content["arrays"].to_torch_state_dict())
    config = message.content["config"]
    generator = torch.Generator().manual_seed(int(setting("SEED")) * 1_000_003 + int(config["server-round"]) * 1_009
                                              + partition)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(features, labels), batch_size=int(setting("BATCH")), shuffle=True,
        generator=generator)
    optimizer = torch.optim.SGD(model.parameters(), lr=float(setting("LR")), momentum=0.0)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    total = 0.0
    for _ in range(int(setting("EPOCHS"))):
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
    content = RecordDict({
        "arrays": ArrayRecord(model.state_dict()),
        "metrics": MetricRecord({"train_loss": total / len(labels), "num-examples": len(labels)}),
    })
    return Message(content=content, reply_to=message)


class CohortFedAvg(FedAvg):
    """Flower's FedAvg with one change: each round trains the cohort ftte-sim chose (its devices.csv), not a
    sample from Flower's RNG. Everything else (the messages, the weighted aggregation) is FedAvg's own."""

    def __init__(self, cohorts, node_of_partition, **kwargs):
        super().__init__(**kwargs)
        self.cohorts = cohorts
        self.node_of_partition = node_of_partition

    def configure_train(self, server_round, arrays, config, grid):
        config["server-round"] = server_round
        record = RecordDict({self.arrayrecord_key: arrays, self.configrecord_key: config})
        nodes = [self.node_of_partition[device] for device in self.cohorts[server_round - 1]]
        return self._construct_messages(record, nodes, MessageType.TRAIN)


def read_cohorts(run_dir):
    """Each FedAvg round's devices, in round order, from ftte-sim's devices.csv."""
    rounds = {}
    with open(os.path.join(run_dir, "devices.csv")) as file:
        for row in csv.DictReader(file):
            if row["outcome"] == "completed":
                rounds.setdefault(int(row["round"]), []).append(int(row["device_id"]))
    return [sorted(rounds[key]) for key in sorted(rounds)]


server = ServerApp()


@server.main()
def main(grid: Grid, context: Context) -> None:
    torch.set_num_threads(1)
    run_dir = setting("RUN_DIR")
    cohorts = read_cohorts(run_dir)
    rounds = int(setting("ROUNDS"))
    assert len(cohorts) >= rounds, f"{run_dir}/devices.csv has {len(cohorts)} rounds, expected {rounds}"
    # Which node holds which partition: ask every node once (after all have connected, as FedAvg waits too).
    while len(nodes := list(grid.get_node_ids())) < int(setting("CLIENTS")):
        time.sleep(0.1)
    replies = grid.send_and_receive(
        [Message(RecordDict({"config": ConfigRecord()}), dst_node_id=node, message_type=MessageType.QUERY)
         for node in nodes])
    node_of_partition = {int(reply.content["node"]["partition-id"]): reply.metadata.src_node_id for reply in replies}
    assert len(node_of_partition) == len(nodes), "not every node answered"

    model = load_weights_file(os.path.join(run_dir, "initial_weights.bin"), make_model())
    test_x, test_y = load_split(setting("DATA_DIR"), "t10k")
    rows = []

    def evaluate(server_round, arrays):
        model.load_state_dict(arrays.to_torch_state_dict())
        model.eval()
        correct, loss = 0, 0.0
        with torch.no_grad():
            for start in range(0, len(test_y), 1000):
                logits = model(test_x[start:start + 1000])
                y = test_y[start:start + 1000]
                loss += nn.functional.cross_entropy(logits, y, reduction="sum").item()
                correct += (logits.argmax(1) == y).sum().item()
        accuracy = correct / len(test_y)
        rows.append((server_round, accuracy, loss / len(test_y), time.perf_counter() - STARTED))
        return MetricRecord({"accuracy": accuracy, "loss": loss / len(test_y)})

    strategy = CohortFedAvg(
        cohorts, node_of_partition, fraction_train=len(cohorts[0]) / len(nodes), fraction_evaluate=0.0,
        min_available_nodes=len(nodes))
    strategy.start(grid=grid, initial_arrays=ArrayRecord(model.state_dict()), num_rounds=rounds,
                   evaluate_fn=evaluate)
    with open(setting("OUT"), "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["round", "test_accuracy", "test_loss", "elapsed_s"])
        writer.writerows(rows)


def cli():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run-dir", required=True, help="an ftte-sim run directory of flower-fedavg.yaml")
    parser.add_argument("--data-dir", default="data/fashion-mnist")
    parser.add_argument("--out", required=True)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1, help="seeds PyTorch's shuffling of each client's examples")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--cpus", type=int, default=os.cpu_count(), help="CPUs Ray may use (one per ClientApp)")
    args = parser.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    for key, value in {"RUN_DIR": os.path.abspath(args.run_dir), "DATA_DIR": os.path.abspath(args.data_dir),
                       "OUT": os.path.abspath(args.out), "ROUNDS": args.rounds, "EPOCHS": args.epochs,
                       "BATCH": args.batch, "LR": args.lr, "SEED": args.seed, "CLIENTS": args.clients}.items():
        os.environ[ENV + key] = str(value)
    # The Ray workers import this file as a module (so that its per-worker data cache is a real global).
    os.environ["PYTHONPATH"] = here + os.pathsep + os.environ.get("PYTHONPATH", "")
    run_simulation(
        server_app=server, client_app=app, num_supernodes=args.clients,
        backend_config={"client_resources": {"num_cpus": 1, "num_gpus": 0.0},
                        "init_args": {"num_cpus": args.cpus, "include_dashboard": False}})


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import flower_fedavg  # noqa: E402  (the apps must live in an importable module, not __main__)

    flower_fedavg.cli()
