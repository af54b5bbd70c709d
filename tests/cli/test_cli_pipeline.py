"""`streamlearn eval` through sl_pipeline: window features (--window, --key,
--time) against a brute-force computation in the test, --label-delay against
a hand-written delayed loop (River's LinearRegression on the brute-force
features), the pipeline path without windows against the direct loop, the
drift policies, and the errors of bad window specs.

$STREAMLEARN names the binary (tests/cli/run.sh, `make test-cli`)."""
import csv
import io
import json
import math
import os
import random
import subprocess

import pytest

BIN = os.environ.get("STREAMLEARN", "")

pytestmark = pytest.mark.skipif(not os.access(BIN, os.X_OK), reason="STREAMLEARN is not an executable")


def run(*args, stdin=None, ok=True):
    p = subprocess.run([BIN, *map(str, args)], input=stdin, capture_output=True, text=True, timeout=300)
    assert p.returncode >= 0, f"killed by signal {-p.returncode}: {args}\n{p.stderr}"
    if ok:
        assert p.returncode == 0, f"{args}: exit {p.returncode}\n{p.stderr}"
    return p.returncode, p.stdout, p.stderr


def eval_json(*args, stdin=None):
    return json.loads(run("eval", *args, "--json", stdin=stdin)[1])


def dump(tmp_path, *args):
    """Runs eval with --dump-features; returns (summary, rows as dicts of floats)."""
    path = tmp_path / "features.csv"
    summary = eval_json(*args, "--dump-features", path)
    rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(io.StringIO(path.read_text()))]
    return summary, rows


@pytest.fixture(scope="module")
def keyed_csv(tmp_path_factory):
    """1500 rows of (key, t, a, b, y): 4 keys interleaved at random, times
    rising by 0..9 (ties included), y a noisy linear target; returns (path, rows)."""
    rnd = random.Random(11)
    rows, t = [], 1000
    for _ in range(1500):
        t += rnd.randrange(10)
        a, b = rnd.random(), rnd.random()
        rows.append({"key": rnd.randrange(4), "t": t, "a": a, "b": b, "y": 2 * a - b + 0.1 * rnd.random()})
    path = tmp_path_factory.mktemp("keyed") / "keyed.csv"
    path.write_text("key,t,a,b,y\n" + "".join("%d,%d,%r,%r,%r\n" % (r["key"], r["t"], r["a"], r["b"], r["y"])
                                             for r in rows))
    return path, rows


def sliding(rows, i, field, size):
    """Brute force: the values of row i's key with t in (t_i - size, t_i], among rows 0..i."""
    k, t = rows[i]["key"], rows[i]["t"]
    return [r[field] for r in rows[:i + 1] if r["key"] == k and t - size < r["t"] <= t]


def last_n(rows, i, field, n):
    k = rows[i]["key"]
    return [r[field] for r in rows[:i + 1] if r["key"] == k][-n:]


def var(v):
    if len(v) < 2:
        return 0.0
    m = sum(v) / len(v)
    return sum((x - m) ** 2 for x in v) / (len(v) - 1)


# ---- window features: brute force ---------------------------------------------------

def test_window_features_equal_brute_force(tmp_path, keyed_csv):
    path, rows = keyed_csv
    s, got = dump(tmp_path, "--csv", path, "--target", "y", "--model", "linear_regression", "--key", "key",
                  "--time", "t", "--window", "sliding:a:count,mean,std,min,max", "--set", "window0.size=50",
                  "--window", "count:b:sum,first,last", "--set", "window1.count=4")
    assert s["pipeline"] and s["windows"] == ["sliding:a:count,mean,std,min,max", "count:b:sum,first,last"]
    assert s["n_features"] == 2 + 5 + 3 and s["events"] == s["labels"] == len(rows) and s["late"] == 0
    assert list(got[0]) == ["event", "a", "b", "w0.count", "w0.mean", "w0.std", "w0.min", "w0.max",
                            "w1.sum", "w1.first", "w1.last", "prediction", "y"]  # key and time are not features
    assert len(got) == len(rows)
    for i, (r, g) in enumerate(zip(rows, got)):
        assert g["event"] == i + 1 and g["a"] == r["a"] and g["b"] == r["b"] and g["y"] == r["y"]
        w = sliding(rows, i, "a", 50)
        assert g["w0.count"] == len(w)
        assert g["w0.mean"] == pytest.approx(sum(w) / len(w), rel=1e-12, abs=1e-15)
        assert g["w0.std"] == pytest.approx(math.sqrt(var(w)), rel=1e-9, abs=1e-12)
        assert (g["w0.min"], g["w0.max"]) == (min(w), max(w))
        c = last_n(rows, i, "b", 4)
        assert g["w1.sum"] == pytest.approx(sum(c), rel=1e-12)
        assert (g["w1.first"], g["w1.last"]) == (c[0], c[-1])


def test_one_key_and_event_number_time_for_a_generator(tmp_path):
    """Without --key / --time (a generator): one key, time = the event number,
    so a sliding window of size 10 holds the last 10 events."""
    s, got = dump(tmp_path, "--stream", "sea", "--events", "300", "--window", "sliding:x2:mean,count",
                  "--set", "window.size=10")
    assert s["n_features"] == 3 + 2
    xs = [g["x2"] for g in got]
    for i, g in enumerate(got):
        w = xs[max(0, i - 9):i + 1]
        assert g["w0.count"] == len(w) and g["w0.mean"] == pytest.approx(sum(w) / len(w), rel=1e-12)


def test_aggregate_names_are_the_librarys(tmp_path):
    names = ["count", "sum", "mean", "var", "std", "min", "max", "first", "last", "ewma", "rate"]
    _, got = dump(tmp_path, "--stream", "sea", "--events", "5", "--window", "count:x0:" + ",".join(names))
    assert [k for k in got[0] if k.startswith("w0.")] == ["w0." + n for n in names]
    _, got = dump(tmp_path, "--stream", "sea", "--events", "5", "--window", "count:x0:quantile",
                  "--set", "window0.n_quantiles=2")
    assert [k for k in got[0] if k.startswith("w0.")] == ["w0.q0.5", "w0.q0.9"]


# ---- label delay: a hand-written delayed loop ---------------------------------------------

def river_delayed(rows, delay, size):
    """River's LinearRegression fed the brute-force features; each label
    learned `delay` events after its prediction, the rest at the end."""
    from river import linear_model
    model, preds, waiting = linear_model.LinearRegression(), [], []
    for i, r in enumerate(rows):
        w = sliding(rows, i, "a", size)
        x = {"a": r["a"], "b": r["b"], "w0.mean": sum(w) / len(w)}
        preds.append(model.predict_one(x))
        waiting.append((x, r["y"]))
        if len(waiting) > delay:
            model.learn_one(*waiting.pop(0))
    return preds


@pytest.mark.parametrize("delay", [0, 1, 25])
def test_label_delay_equals_a_delayed_loop(tmp_path, keyed_csv, delay):
    pytest.importorskip("river")
    path, rows = keyed_csv
    s, got = dump(tmp_path, "--csv", path, "--target", "y", "--model", "linear_regression", "--key", "key",
                  "--time", "t", "--window", "sliding:a", "--set", "window.size=30", "--label-delay", delay)
    assert s["label_delay"] == delay and s["labels"] == len(rows) and s["unlabelled"] == 0
    want = river_delayed(rows, delay, 30)
    assert [g["prediction"] for g in got] == pytest.approx(want, rel=1e-9, abs=1e-12)
    mae = sum(abs(p - r["y"]) for p, r in zip(want, rows)) / len(rows)
    assert s["metric"] == "MAE" and s["value"] == pytest.approx(mae, rel=1e-9)


def test_delay_changes_the_predictions(tmp_path, keyed_csv):
    path, _ = keyed_csv
    base = ("--csv", path, "--model", "linear_regression", "--pipeline")
    _, now = dump(tmp_path, *base)
    _, later = dump(tmp_path, *base, "--label-delay", "5")
    assert [g["prediction"] for g in now[:1]] == [g["prediction"] for g in later[:1]]
    assert [g["prediction"] for g in now] != [g["prediction"] for g in later]


def test_a_delay_beyond_pending_cap_loses_labels(keyed_csv):
    """Each prediction leaves 5 events after its event, before its label
    comes 10 events after; only the last 5, labelled at the end, are scored."""
    path, rows = keyed_csv
    s = eval_json("--csv", path, "--model", "linear_regression", "--label-delay", "10",
                  "--set", "pipeline.pending_cap=5")
    assert s["labels"] == 5 and s["unlabelled"] == len(rows) - 5


# ---- the pipeline without windows is the direct loop ------------------------------------

PIPELINE_ONLY = ("pipeline", "windows", "n_features", "label_delay", "labels", "late", "unlabelled",
                 "model_version", "seconds", "events_per_second")


SEA = ("--stream", "sea", "--set", "stream.switch_every=10000", "--set", "stream.noise=0.1", "--events", "30000",
       "--drift", "adwin")


def test_pipeline_equals_direct_loop():
    direct, piped = eval_json(*SEA), eval_json(*SEA, "--pipeline")
    assert not direct["pipeline"] and piped["pipeline"] and piped["labels"] == 30000
    assert piped["model_version"] == 1 and piped["drifts"] >= 1
    assert {k: v for k, v in direct.items() if k not in PIPELINE_ONLY} == \
        {k: v for k, v in piped.items() if k not in PIPELINE_ONLY}


def test_pipeline_reset_learns_the_drift_event_after_the_reset():
    """The direct loop (River's order) learns the event, then resets on its
    drift; the pipeline resets, then learns it: the same first drift, then
    models one example apart."""
    direct = eval_json(*SEA, "--on-drift", "reset")
    piped = eval_json(*SEA, "--on-drift", "reset", "--pipeline")
    assert piped["model_version"] == 1 + piped["resets"] and piped["reset_at"] == piped["drift_at"]
    assert direct["drift_at"][0] == piped["drift_at"][0]
    assert direct["value"] != piped["value"] and abs(direct["value"] - piped["value"]) < 0.01


def test_alert_is_nothing():
    a = eval_json("--stream", "sea", "--events", "3000", "--drift", "adwin", "--on-drift", "alert")
    assert a["on_drift"] == "nothing"


def test_replay_policy_retrains_at_each_drift():
    r = eval_json("--stream", "sea", "--set", "stream.switch_every=10000", "--events", "30000", "--drift", "adwin",
                  "--set", "drift.delta=0.1", "--on-drift", "replay", "--set", "replay.capacity=500")
    assert r["pipeline"] and r["on_drift"] == "replay" and r["drifts"] >= 1
    assert r["resets"] == r["drifts"] and r["reset_at"] == r["drift_at"] and r["model_version"] == 1 + r["drifts"]


def test_late_events_are_counted_not_fatal():
    text = "t,a,y\n10,1,0\n20,2,1\n5,3,1\n30,4,0\n"
    r = eval_json("--csv", "-", "--time", "t", "--window", "sliding:a", "--model", "logistic_regression", stdin=text)
    assert r["late"] == 1 and r["events"] == 3 and r["labels"] == 3


# ---- errors --------------------------------------------------------------------------------

CSV = "key,t,a,y\n1,10,0.5,0\n2,11,0.25,1\n"

ERRORS = [
    (("--stream", "sea", "--window", "nope:x0"), 2, "unknown window kind 'nope'"),
    (("--stream", "sea", "--window", "sliding:x9"), 2, "no field 'x9'"),
    (("--stream", "sea", "--window", "sliding:zz:mean"), 2, "no field 'zz'"),
    (("--stream", "sea", "--window", "sliding:x0:median"), 2, "unknown aggregate 'median'"),
    (("--stream", "sea", "--window", "sliding:x0:mean,"), 2, "expected KIND:FIELD[:AGGS]"),
    (("--stream", "sea", "--window", "sliding"), 2, "expected KIND:FIELD[:AGGS]"),
    (("--stream", "sea", "--window", "500"), 2, "expected KIND:FIELD[:AGGS]"),
    (("--stream", "sea", "--window", "tumbling:x0:mean"), 2, "cannot be a feature"),
    (("--stream", "sea", "--window", "session:x0"), 2, "cannot be a feature"),
    (("--stream", "sea", "--set", "window.size=3"), 2, "there is no window"),
    (("--stream", "sea", "--window", "sliding:x0", "--set", "window1.size=3"), 2, "no window of that index"),
    (("--stream", "sea", "--window", "sliding:x0", "--set", "window.count=3"), 2, "has no parameter 'count'"),
    (("--stream", "sea", "--window", "sliding:x0", "--set", "window0.size=0"), 2, "out of range"),
    (("--stream", "sea", "--set", "gadget0.size=3"), 2, "not 'gadget0'"),
    (("--stream", "sea", "--set", "model0.grace_period=3"), 2, "not 'model0'"),
    (("--stream", "sea", "--key", "x0"), 2, "needs --csv"),
    (("--stream", "sea", "--label-delay", "-1"), 2, "--label-delay: '-1'"),
    (("--stream", "sea", "--set", "pipeline.metric_fading=0.9"), 2, "add --pipeline"),
    (("--stream", "sea", "--pipeline", "--set", "pipeline.drift_policy=reset"), 2, "use --on-drift"),
    (("--stream", "sea", "--pipeline", "--set", "pipeline.nope=1"), 2, "has no parameter 'nope'"),
    (("--stream", "sea", "--set", "replay.capacity=9"), 2, "no replay buffer"),
    (("--stream", "sea", "--replay", "nope"), 2, "unknown replay kind 'nope'"),
    (("--stream", "sea", "--events", "100", "--drift", "adwin", "--on-drift", "consolidate"), 1, "consolidate"),
]


@pytest.mark.parametrize("args,code,message", ERRORS, ids=[" ".join(e[0]) for e in ERRORS])
def test_error(args, code, message):
    got, out, err = run("eval", *args, ok=False)
    assert got == code, err
    assert message in err, err
    assert err.startswith("streamlearn: ") and err.count("\n") == 1 and out == ""


def test_csv_column_errors():
    cases = [(("--key", "key"), 2, "add --window"),
             (("--window", "sliding:y"), 2, "no field 'y'"),  # the target is not a field
             (("--window", "sliding:a", "--key", "nope"), 2, "no field 'nope'"),
             (("--window", "sliding:t", "--time", "t"), 0, ""),
             (("--window", "sliding:key", "--key", "key", "--time", "t"), 0, "")]
    for args, code, message in cases:
        got, _, err = run("eval", "--csv", "-", "--model", "logistic_regression", *args, stdin=CSV, ok=False)
        assert got == code and message in err, (args, err)
    got, _, err = run("eval", "--csv", "-", "--window", "sliding:a", "--time", "t", stdin="t,a,y\n1.5,1,0\n", ok=False)
    assert got == 1 and "time 1.5 (column t) is not a whole number" in err
