"""Seeded test streams for the drift detectors, shared by the conformance
tests and bench/compare/drift_compare.py. Each stream comes with the indices
where its distribution changes (empty for no drift)."""
import numpy as np


def abrupt(seed=1, n=4000, at=2000, shift=1.0):
    r = np.random.default_rng(seed)
    x = r.normal(0.0, 1.0, n)
    x[at:] += shift
    return x, [at]


def gradual(seed=2, n=6000, start=2000, length=2000, shift=2.0):
    r = np.random.default_rng(seed)
    ramp = np.clip((np.arange(n) - start) / length, 0.0, 1.0) * shift
    return r.normal(0.0, 1.0, n) + ramp, [start]


def variance(seed=3, n=6000, at=3000, scale=4.0):
    r = np.random.default_rng(seed)
    x = r.normal(0.0, 1.0, n)
    x[at:] *= scale
    return x, [at]


def several(seed=4, seg=2000, means=(0.0, 1.5, -0.5, 2.0, 0.5)):
    r = np.random.default_rng(seed)
    x = np.concatenate([r.normal(m, 1.0, seg) for m in means])
    return x, [seg * i for i in range(1, len(means))]


def noise(seed=5, n=100_000):
    return np.random.default_rng(seed).normal(0.0, 1.0, n), []


def binary(seed=6, seg=3000, rates=(0.1, 0.3)):
    """0 / 1 errors whose rate steps up at each segment."""
    r = np.random.default_rng(seed)
    x = np.concatenate([(r.random(seg) < p).astype(float) for p in rates])
    return x, [seg * i for i in range(1, len(rates))]


def binary_ramp(seed=7, n=8000, start=3000, length=3000, lo=0.05, hi=0.4):
    """0 / 1 errors whose rate rises linearly from lo to hi."""
    r = np.random.default_rng(seed)
    p = lo + np.clip((np.arange(n) - start) / length, 0.0, 1.0) * (hi - lo)
    return (r.random(n) < p).astype(float), [start]


def binary_noise(seed=8, n=100_000, rate=0.2):
    return (np.random.default_rng(seed).random(n) < rate).astype(float), []


REAL = {"abrupt": abrupt, "gradual": gradual, "variance": variance, "several": several, "noise": noise}
BINARY = {"binary_step": binary, "binary_steps": lambda: binary(9, 3000, (0.05, 0.2, 0.1, 0.35)),
          "binary_ramp": binary_ramp, "binary_noise": binary_noise}
