# SPDX-License-Identifier: GPL-3.0-or-later
"""The radio-bench model in SimPy, for a side-by-side speed comparison.

N class A devices (EU868, one gateway, channels 868.1/868.3/868.5 MHz, all in the 1 % sub-band g1) each
send an unconfirmed 20-byte uplink every PERIOD s (first at a uniform offset, then PERIOD +/- 5 %) for one
simulated day. Same physics as ftte-sim's Radio module: SX127x time on air (CRC on, explicit header,
CR 4/5, preamble 8, LDRO when a symbol exceeds 16 ms); LoRaSim log-distance path loss (d0 40 m,
127.41 dB, n 2.08) with 3.57 dB shadowing drawn per frame; sensitivity -174 + 10 log10(BW) + 6 dB + SNR
floor; a frame survives overlapping same-channel, same-SF frames only when 6 dB stronger; duty-cycle off
time airtime x 99 after each frame; RX1 and RX2 windows of 8 symbols at 1 s and 2 s (RX2 at SF12).
Random numbers come from Python's own generator, so results agree with ftte-sim statistically, not bit
for bit. Prints CSV like radio-bench; `events` counts SimPy's processed events.

Usage: python lorawan_simpy.py [DEVICES] [PERIOD_S] [RADIUS_M]
"""
import math
import random
import sys
import time

import simpy

DEVICES = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
PERIOD = float(sys.argv[2]) if len(sys.argv) > 2 else 600.0
RADIUS = float(sys.argv[3]) if len(sys.argv) > 3 else 400.0
DAY = 86400.0
CHANNELS = 3
DATA_RATES = [(12, 125e3), (11, 125e3), (10, 125e3), (9, 125e3), (8, 125e3), (7, 125e3)]


def airtime(sf, bw, payload, crc=True):
    tsym = 2.0**sf / bw
    de = 1 if tsym > 0.016 else 0
    blocks = max(math.ceil((8 * payload - 4 * sf + 28 + 16 * crc) / (4 * (sf - 2 * de))), 0)
    return (8 + 4.25) * tsym + (8 + blocks * 5) * tsym


def sensitivity(sf, bw):
    return -174 + 10 * math.log10(bw) + 6 - 5 - 2.5 * (sf - 6)


def mean_loss(d):
    return 127.41 + 10 * 2.08 * math.log10(d / 40.0)


rng = random.Random(42)
env = simpy.Environment()
on_air = [[] for _ in range(CHANNELS)]  # (start, end, sf, power)
stats = {"uplinks": 0, "delivered": 0}
MAX_AIRTIME = airtime(12, 125e3, 51 + 13)


def device(distance, dr):
    sf, bw = DATA_RATES[dr]
    t_air = airtime(sf, bw, 20 + 13)
    rx1 = 8 * 2.0**sf / bw
    rx2 = 8 * 2.0**12 / 125e3
    dc_open = 0.0
    yield env.timeout(rng.random() * PERIOD)
    while True:
        next_period = env.now + PERIOD * (1 + 0.1 * (rng.random() - 0.5))
        yield env.timeout(max(0.0, dc_open - env.now))
        channel = rng.randrange(CHANNELS)
        power = 14 - mean_loss(distance) - rng.gauss(0, 3.57)
        start = env.now
        frame = (start, start + t_air, sf, power)
        frames = on_air[channel]
        frames[:] = [f for f in frames if f[1] > start - MAX_AIRTIME]
        frames.append(frame)
        dc_open = start + t_air * 100
        yield env.timeout(t_air)
        ok = power >= sensitivity(sf, bw) and all(
            power - f[3] >= 6 for f in frames if f is not frame and f[2] == sf and f[0] < frame[1] and start < f[1]
        )
        stats["uplinks"] += 1
        stats["delivered"] += ok
        yield env.timeout(1.0 + rx1)  # RX1 opens 1 s after the end and stays open 8 symbols
        yield env.timeout(2.0 - 1.0 - rx1 + rx2)  # RX2 opens 2 s after the end
        yield env.timeout(max(0.0, next_period - env.now))


for _ in range(DEVICES):
    d = max(1.0, RADIUS * math.sqrt(rng.random()))
    p = 14 - mean_loss(d)
    dr = max([i for i, (sf, bw) in enumerate(DATA_RATES) if p - 3 >= sensitivity(sf, bw)], default=0)
    env.process(device(d, dr))

events = 0
wall0 = time.perf_counter()
while env.peek() <= DAY:
    env.step()
    events += 1
wall = time.perf_counter() - wall0
u, ok = stats["uplinks"], stats["delivered"]
print("devices,period_s,sim_days,events,wall_s,events_per_s,uplinks,delivered,pdr,skipped_busy")
print(f"{DEVICES},{PERIOD},1,{events},{wall},{events / wall},{u},{ok},{ok / max(u, 1)},0")
