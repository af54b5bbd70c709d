"""Drift detectors side by side with River: ns per update on the same values
(River: one update() call per value from Python; ours: one
sl_drift_update_many call through ctypes), and detection quality on seeded
streams with known change points.

    SL_LIBRARY=build/libstreamlearn.so python3 bench/compare/drift_compare.py [--quick]

Quality: a detection counts for a change point when it is the first one in
[change, change + tolerance); every other detection is a false alarm
(reported per 100k values); a change without such a detection is missed.
"""
import os
import sys
import time

import numpy as np
from river import drift

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "conformance"))
import drift_streams as S  # noqa: E402
from drift_sl import Detector  # noqa: E402

QUICK = "--quick" in sys.argv
TOLERANCE = 1000

KINDS = [  # (our kind, River class, binary input)
    ("adwin", drift.ADWIN, False),
    ("page_hinkley", drift.PageHinkley, False),
    ("kswin", lambda: drift.KSWIN(seed=1), False),
    ("ddm", drift.binary.DDM, True),
    ("eddm", drift.binary.EDDM, True),
    ("hddm_a", drift.binary.HDDMA, True),
    ("hddm_w", drift.binary.HDDMW, True),
]


def river_drifts(det, xs):
    out = []
    for i, x in enumerate(xs):
        det.update(x)
        if det.drift_detected:
            out.append(i)
    return out


def ours_drifts(kind, xs):
    params = {"seed": 1} if kind == "kswin" else {}
    return Detector(kind, **params).run(xs)[0]


def timing():
    n = 20_000 if QUICK else 200_000
    real, _ = S.noise(seed=21, n=n)
    binary, _ = S.binary_noise(seed=22, n=n)
    print(f"\n### ns per update, {n} values (River {__import__('river').__version__})\n")
    print("| detector | River ns/update | ours ns/update | River / ours |")
    print("|---|---:|---:|---:|")
    for kind, cls, is_binary in KINDS:
        xs = binary if is_binary else real
        m = min(n, 20_000) if kind == "kswin" else n  # River's KSWIN runs scipy per value
        vals = [float(v) for v in xs[:m]]
        det = cls()
        t = time.perf_counter()
        for v in vals:
            det.update(v)
        river_ns = (time.perf_counter() - t) / m * 1e9
        best = float("inf")
        for _ in range(5):
            d = Detector(kind, **({"seed": 1} if kind == "kswin" else {}))
            t = time.perf_counter()
            d.run(xs[:m])
            best = min(best, time.perf_counter() - t)
        ours_ns = best / m * 1e9
        print(f"| {kind} | {river_ns:.0f} | {ours_ns:.1f} | {river_ns / ours_ns:.0f}x |")


def score(drifts, changes, n):
    """(delays of detected changes, missed, false alarms per 100k)."""
    delays, used = [], set()
    bounds = list(changes) + [n]
    for c, nxt in zip(changes, bounds[1:]):
        hit = [d for d in drifts if c <= d < min(c + TOLERANCE, nxt)]
        if hit:
            delays.append(hit[0] - c)
            used.add(hit[0])
    false = sum(1 for d in drifts if d not in used)
    return delays, len(changes) - len(delays), false * 100_000 / n


def quality():
    print(f"\n### detection quality (tolerance {TOLERANCE} values), ours | River\n")
    print("| detector | stream | delay mean | delay max | missed | false alarms / 100k |")
    print("|---|---|---|---|---|---|")
    for kind, cls, is_binary in KINDS:
        streams = S.BINARY if is_binary else S.REAL
        for name in sorted(streams):
            if kind == "kswin" and name == "noise" and QUICK:
                continue
            xs, changes = streams[name]()
            if kind == "kswin" and name == "noise":
                xs = xs[:20_000]
            cells = []
            for drifts in (ours_drifts(kind, xs), river_drifts(cls(), [float(v) for v in xs])):
                delays, missed, fa = score(drifts, changes, len(xs))
                cells.append((f"{np.mean(delays):.0f}" if delays else "-", f"{max(delays)}" if delays else "-",
                              f"{missed}/{len(changes)}", f"{fa:.0f}"))
            row = " | ".join(f"{a} \\| {b}" for a, b in zip(*cells))
            print(f"| {kind} | {name} ({len(xs)}) | {row} |")


if __name__ == "__main__":
    timing()
    quality()
