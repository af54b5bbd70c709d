#!/usr/bin/env python3
"""MOA (through capymoa, installed on demand; it bundles moa.jar and runs it
in a JVM through JPype, so it needs a Java runtime) beside our Hoeffding
trees and River's: progressive (test-then-train) accuracy and events per
second.

    SL_LIBRARY=build/libstreamlearn.so python3 bench/compare/moa_compare.py [--quick]

Streams come from the library's generators (peers_lib.stream_rows), the
same rows for the three libraries, every feature numeric: SEA variant 0
with 10% label noise, Agrawal function 2 (MOA's function 3) with
perturbation 0.05, RandomRBF with drift (50 centroids, 10 of them moving
at speed 0.001). Learners at the same settings: grace period 200, split
confidence 1e-7 (MOA's and River's default; capymoa's own default is
1e-3), tie threshold 0.05, naive Bayes adaptive leaves, Gaussian numeric
observers; HAT: MOA's HoeffdingAdaptiveTree, River's
HoeffdingAdaptiveTreeClassifier(seed=1), ours (seed 1). The first
prediction of each is made before any data (a tie, class 0).

Paths timed (events/s, wall clock):
- MOA ARFF file: MOA's own Java loop (capymoa's prequential_evaluation
  fast path, EfficientEvaluationLoops) over our rows in an ARFF file,
  parsing included. Best of a few runs, so the JIT is warm.
- MOA own generator: the same Java loop over MOA's own generator of the
  stream (SEAGenerator, AgrawalGenerator, RandomRBFGeneratorDrift): MOA's
  best case, no parsing, but MOA's rows (accuracy in its own column;
  Agrawal's education level, car and zipcode are nominal there).
- MOA per event: predict then train per instance from Python (capymoa's
  NumpyStream, a JPype crossing per call), on the first N/5 rows; checked
  to predict as MOA's Java loop does on those rows.
- ours per event: sl_model_predict_learn through ctypes from a Python loop.
- ours chunks: sl_model_predict_many then sl_model_learn_many per chunk of
  1000 rows (two ctypes calls per chunk: the C loop's cost).
- River: predict_one then learn_one per event (dicts built before timing),
  one run.
Before printing, each pair of the same tree must agree on accuracy within
3 points (they are the same algorithm on the same rows; split timing and
the adaptive trees' random bootstrap make them differ a little).
"""
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import QUICK, Grid, peer  # noqa: E402

N = 20_000 if QUICK else 100_000
N_PY = N // 5
REPEAT = 3
AGREE = 3.0  # accuracy points within which the same tree must land across libraries

STREAMS = [  # label, our generator and params, MOA generator (class name, keywords)
    ("SEA variant 0, 10% noise", "sea", {"seed": 1, "noise": 0.1},
     ("SEA", {"instance_random_seed": 1, "function": 1, "noise_percentage": 10})),
    ("Agrawal function 2, perturbation 0.05", "agrawal", {"seed": 1, "classification_function": 2,
                                                         "perturbation": 0.05},
     ("AgrawalGenerator", {"instance_random_seed": 1, "classification_function": 3, "peturbation": 0.05})),
    ("RandomRBF drift, 10 of 50 centroids at 0.001", "random_rbf",
     {"seed_model": 1, "seed_sample": 1, "n_centroids": 50, "n_drift_centroids": 10, "change_speed": 0.001},
     ("RandomRBFGeneratorDrift", {"model_random_seed": 1, "instance_random_seed": 1, "number_of_centroids": 50,
                                  "number_of_drifting_centroids": 10, "magnitude_of_change": 0.001})),
]
TREES = [  # label, our kind, MOA class, River class, their extra keywords
    ("HT", "hoeffding_tree", "HoeffdingTree", "HoeffdingTreeClassifier", {}, {}),
    ("HAT", "hoeffding_adaptive_tree", "HoeffdingAdaptiveTree", "HoeffdingAdaptiveTreeClassifier", {"seed": 1},
     {"seed": 1}),
]


def load_moa():
    """capymoa's modules, or None after a "peer not available" line."""
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        print("peer not available: capymoa runs MOA in a JVM and no Java runtime is here "
              "(apt-get install default-jre-headless, or set JAVA_HOME)")
        return None
    if peer("capymoa") is None:
        return None
    try:
        from capymoa import classifier, evaluation, stream
        from capymoa.stream import generator
    except Exception as e:  # JPype raises its own errors when the JVM does not start
        print(f"peer not available: capymoa does not start ({type(e).__name__}: {e})")
        return None
    return classifier, evaluation, stream, generator


def write_arff(path, X, y):
    with open(path, "w") as f:
        f.write("@relation stream\n")
        f.writelines(f"@attribute x{j} numeric\n" for j in range(X.shape[1]))
        f.write("@attribute class {%s}\n@data\n" % ",".join(str(c) for c in range(int(y.max()) + 1)))
        f.writelines(",".join(map(repr, r)) + f",{int(t)}\n" for r, t in zip(X.tolist(), y.tolist()))


def main():
    moa = load_moa()
    if moa is None:
        return
    classifier, evaluation, mstream, generator = moa
    from peers_lib import Model, stream_rows  # noqa: E402
    import numpy as np
    river_tree = peer("river.tree", "river")
    print(f"capymoa {__import__('capymoa').__version__}" + ("" if river_tree else ", River not available"))

    def moa_java(make_stream, tree, n):
        """MOA's Java loop: (seconds, accuracy %)."""
        best, acc = float("inf"), None
        for _ in range(REPEAT):
            st = make_stream()
            learner = getattr(classifier, tree)(schema=st.get_schema(), confidence=1e-7)
            t0 = time.perf_counter()
            r = evaluation.prequential_evaluation(st, learner, max_instances=n, optimise=True)
            best = min(best, time.perf_counter() - t0)
            acc = r.cumulative.accuracy()
        return best, acc

    def moa_python(X, y, tree, arff):
        """MOA per event from Python: seconds, after checking that it predicts
        as MOA's Java loop over the ARFF file does (same learner, same rows)."""
        st = mstream.NumpyStream(X, y.astype(int), target_type="categorical")
        learner = getattr(classifier, tree)(schema=st.get_schema(), confidence=1e-7)
        pred = np.empty(len(y))
        t0 = time.perf_counter()
        for i in range(len(y)):
            inst = st.next_instance()
            p = learner.predict(inst)
            pred[i] = 0 if p is None else p  # no votes (a new leaf): None here, class 0 in MOA's loop
            learner.train(inst)
        dt = time.perf_counter() - t0
        st = mstream.ARFFStream(arff)
        learner = getattr(classifier, tree)(schema=st.get_schema(), confidence=1e-7)
        java = evaluation.prequential_evaluation(st, learner, max_instances=len(y), store_predictions=True)
        same = float(np.mean(np.asarray(java.predictions(), dtype=float) == pred))
        assert same == 1.0, f"{tree}: MOA from Python and MOA's own loop agree on {100 * same:.2f}% of predictions"
        return dt

    def river_run(make, X, y):
        names = [f"x{j}" for j in range(X.shape[1])]
        rows = [(dict(zip(names, r)), int(t)) for r, t in zip(X.tolist(), y.tolist())]
        m, ok = make(), 0
        t0 = time.perf_counter()
        for x, t in rows:
            ok += m.predict_one(x) == t
            m.learn_one(x, t)
        return time.perf_counter() - t0, 100.0 * ok / len(rows)

    quality = Grid("moa_compare: accuracy", f"progressive accuracy %, {N} rows (higher is better; MOA, own rows: "
                   "its own generator's rows, not these)",
                   ["MOA", "ours", "River", "MOA, own rows"])
    speed = Grid("moa_compare: throughput", f"throughput, {N} rows (events/s, higher is better)",
                 ["MOA ARFF file", "MOA own generator", "MOA per event", "ours per event", "ours chunks", "River"],
                 [("ours/MOA, per event", "ours per event", "MOA per event"),
                  ("ours chunks / MOA own generator", "ours chunks", "MOA own generator"),
                  ("ours/River, per event", "ours per event", "River")])
    with tempfile.TemporaryDirectory() as tmp:
        for label, gen, params, (moa_gen, moa_kw) in STREAMS:
            X, y = stream_rows(gen, N, **params)
            arff = os.path.join(tmp, f"{gen}.arff")
            write_arff(arff, X, y)
            for tree, kind, moa_cls, river_cls, ours_kw, river_kw in TREES:
                t_arff, a_moa = moa_java(lambda: mstream.ARFFStream(arff), moa_cls, N)
                t_gen, a_gen = moa_java(lambda: getattr(generator, moa_gen)(**moa_kw), moa_cls, N)
                t_py = moa_python(X[:N_PY], y[:N_PY], moa_cls, arff)
                ours = Model(kind, X.shape[1], max_classes=2, **ours_kw)
                runs = [ours.prequential(X, y) for _ in range(REPEAT)]
                t_ours, a_ours = min(r[0] for r in runs), 100.0 * float(np.mean(runs[0][1] == y))
                t_chunks = min(ours.chunks(X, y) for _ in range(REPEAT))
                t_river = a_river = None
                if river_tree:
                    t_river, a_river = river_run(lambda: getattr(river_tree, river_cls)(**river_kw), X, y)
                for other, a in (("MOA", a_moa), ("River", a_river)):
                    assert a is None or abs(a - a_ours) < AGREE, \
                        f"{label} {tree}: {other} {a:.2f}% vs ours {a_ours:.2f}%: not the same learner?"
                quality.add(f"{label}: {tree}", "accuracy %",
                            {"MOA": a_moa, "ours": a_ours, "River": a_river, "MOA, own rows": a_gen},
                            "")
                speed.add(f"{label}: {tree}", "events/s",
                          {"MOA ARFF file": N / t_arff, "MOA own generator": N / t_gen, "MOA per event": N_PY / t_py,
                           "ours per event": N / t_ours, "ours chunks": N / t_chunks,
                           "River": N / t_river if t_river else None},
                          f"d={X.shape[1]}; MOA per event over {N_PY} rows")
    quality.print()
    speed.print()


if __name__ == "__main__":
    main()
