"""The `streamlearn` tool as a user runs it: exit codes and messages for good
and bad input, the evaluation's numbers against River run on the same rows
(when River is installed), the SVG plot's structure, and the plot as a
browser draws it (headless Chromium, when installed).

$STREAMLEARN names the binary (tests/cli/run.sh, `make test-cli`)."""
import json
import os
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib

import pytest

BIN = os.environ.get("STREAMLEARN", "")
SVG = "{http://www.w3.org/2000/svg}"

pytestmark = pytest.mark.skipif(not os.access(BIN, os.X_OK), reason="STREAMLEARN is not an executable")


def run(*args, stdin=None, ok=True):
    """Runs the tool; returns (exit code, stdout, stderr). A crash (signal) always fails."""
    p = subprocess.run([BIN, *map(str, args)], input=stdin, capture_output=True, text=True, timeout=300)
    assert p.returncode >= 0, f"killed by signal {-p.returncode}: {args}\n{p.stderr}"
    if ok:
        assert p.returncode == 0, f"{args}: exit {p.returncode}\n{p.stderr}"
    return p.returncode, p.stdout, p.stderr


def eval_json(*args, stdin=None):
    return json.loads(run("eval", *args, "--json", stdin=stdin)[1])


SEA_DRIFTS = ("--stream", "sea", "--set", "stream.switch_every=10000", "--set", "stream.noise=0.1",
              "--events", "30000", "--drift", "adwin")


# ---- help, version -------------------------------------------------------------

def test_version():
    out = run("--version")[1]
    assert out.startswith("streamlearn 1.") and "libstreamlearn" in out


@pytest.mark.parametrize("args", [("--help",), ("help",), ("help", "eval"), ("eval", "--help"),
                                  ("params", "--help"), ("inspect", "--help")])
def test_help(args):
    out = run(*args)[1]
    assert out.startswith("usage: streamlearn")


def test_no_command_is_a_usage_error():
    code, out, err = run(ok=False)
    assert code == 2 and out == "" and "usage: streamlearn" in err


# ---- eval on a generator ----------------------------------------------------------

def test_summary_table():
    out = run("eval", *SEA_DRIFTS)[1]
    rows = {line[:16].strip(): line[17:] for line in out.splitlines()}
    assert rows["input"] == "sea (generator)"
    assert rows["model"] == "hoeffding_tree"
    assert rows["drift detector"] == "adwin (on drift: nothing)"
    assert rows["events"] == "30000"
    assert 0.7 < float(rows["accuracy"].split()[0]) < 0.9  # 10% label noise caps it at 0.9
    assert rows["concept changes"] == "2 at events 10001, 20001"
    assert rows["model size"].endswith(" bytes") and int(rows["model size"].split()[0]) > 0
    assert rows["throughput"].split()[1] == "events/s"


def test_json_is_consistent_and_deterministic():
    a, b = eval_json(*SEA_DRIFTS), eval_json(*SEA_DRIFTS)
    for k in ("seconds", "events_per_second"):
        assert a.pop(k) > 0 and b.pop(k) > 0
    assert a == b
    assert a["events"] == 30000 and a["metric"] == "accuracy" and a["metric_window"] == 1000
    assert a["drifts"] == len(a["drift_at"]) >= 1
    assert a["drift_at"] == sorted(a["drift_at"]) and all(1 <= e <= 30000 for e in a["drift_at"])
    assert a["concept_changes"] == [10001, 20001]
    assert a["resets"] == 0 and a["reset_at"] == []
    assert a["model_bytes"] > 0 and a["drift_bytes"] > 0


def test_reset_on_drift_resets_at_each_drift():
    r = eval_json(*SEA_DRIFTS, "--on-drift", "reset")
    assert r["on_drift"] == "reset" and r["resets"] == r["drifts"] >= 1 and r["reset_at"] == r["drift_at"]


def test_parameters_reach_the_handles():
    """A 1-example grace period grows a bigger tree than the default; a
    looser ADWIN finds at least as many drifts."""
    base = eval_json(*SEA_DRIFTS)
    eager = eval_json(*SEA_DRIFTS, "--set", "model.grace_period=20")
    assert eager["model_bytes"] > base["model_bytes"]
    loose = eval_json(*SEA_DRIFTS, "--set", "drift.delta=0.5")
    assert loose["drifts"] > base["drifts"]
    noiseless = eval_json(*SEA_DRIFTS, "--set", "stream.noise=0")
    assert noiseless["value"] > base["value"] + 0.05


def test_classes_follow_the_generator():
    """LED has 10 classes: a softmax model is sized for them, and learns."""
    r = eval_json("--stream", "led", "--events", "5000", "--model", "softmax_regression")
    assert r["value"] > 0.5


def test_regression_generator_defaults_to_linear_regression():
    r = eval_json("--stream", "friedman", "--events", "2000")
    assert r["model"] == "linear_regression" and r["metric"] == "MAE" and 0 < r["rmse"] and 0 < r["value"] < 10


def test_progress_line():
    err = run("eval", "--stream", "sea", "--events", "300000", "--model", "logistic_regression", "--progress")[2]
    assert "events/s" in err and "accuracy" in err and "ETA" in err
    assert run("eval", "--stream", "sea", "--events", "3000")[2] == ""  # not a terminal: no progress line


# ---- eval on CSV ------------------------------------------------------------------

@pytest.fixture(scope="module")
def sea_csv(tmp_path_factory):
    """20000 River SEA rows (variant 0, 10% noise), the concept moving to
    threshold 7 halfway; returns (path, rows)."""
    synth = pytest.importorskip("river.datasets.synth")
    rows = [[x[0], x[1], x[2], int(y)] for x, y in synth.SEA(variant=0, seed=7, noise=0.1).take(20000)]
    for r in rows[10000:]:
        r[3] = int(r[0] + r[1] > 7)
    path = tmp_path_factory.mktemp("csv") / "sea.csv"
    path.write_text("a,b,c,y\n" + "".join("%r,%r,%r,%d\n" % tuple(r) for r in rows))
    return path, rows


def river_prequential(rows, reset_on_drift):
    """River's Hoeffding tree and ADWIN in the loop the tool runs."""
    from river import drift, tree
    model, detector, correct, drifts = tree.HoeffdingTreeClassifier(), drift.ADWIN(), 0, []
    for i, r in enumerate(rows):
        x = {"a": r[0], "b": r[1], "c": r[2]}
        p = model.predict_one(x)
        p = 0 if p is None else p  # an empty tree predicts class 0 here
        correct += p == r[3]
        model.learn_one(x, r[3])
        detector.update(float(p != r[3]))
        if detector.drift_detected:
            drifts.append(i + 1)
            if reset_on_drift:
                model = tree.HoeffdingTreeClassifier()
    return correct / len(rows), drifts


@pytest.mark.parametrize("policy", ["nothing", "reset"])
def test_same_accuracy_and_drifts_as_river(sea_csv, policy):
    path, rows = sea_csv
    ours = eval_json("--csv", path, "--target", "y", "--drift", "adwin", "--on-drift", policy)
    accuracy, drifts = river_prequential(rows, policy == "reset")
    assert ours["events"] == len(rows)
    assert ours["value"] == accuracy
    assert ours["drift_at"] == drifts and drifts


def test_same_mae_as_river(tmp_path):
    synth = pytest.importorskip("river.datasets.synth")
    from river import linear_model
    rows = list(synth.Friedman(seed=3).take(3000))
    names = [f"f{i}" for i in range(10)]
    path = tmp_path / "friedman.csv"
    path.write_text(",".join(names) + ",target\n" + "".join(
        ",".join(repr(x[i]) for i in range(10)) + ",%r\n" % y for x, y in rows))
    ours = eval_json("--csv", path, "--model", "linear_regression")
    model, abs_err, sq_err = linear_model.LinearRegression(), 0.0, 0.0
    for x, y in rows:
        xd = dict(zip(names, (x[i] for i in range(10))))
        p = model.predict_one(xd)
        abs_err, sq_err = abs_err + abs(p - y), sq_err + (p - y) ** 2
        model.learn_one(xd, y)
    assert ours["metric"] == "MAE" and ours["input"].endswith("(target target)")
    assert ours["value"] == pytest.approx(abs_err / len(rows), rel=1e-12)
    assert ours["rmse"] == pytest.approx((sq_err / len(rows)) ** 0.5, rel=1e-12)


GOOD_CSV = "a,b,y\n1,2,0\n3,4,1\n5,6,1\n7,8,0\n"
BAD_CSV = "a,b,y\n1,2,0\n3,4,1\n5,x,1\n7,8,0\n"


def test_stdin_equals_file(tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(GOOD_CSV)
    a, b = eval_json("--csv", path, "--target", "y"), eval_json("--csv", "-", stdin=GOOD_CSV)
    assert a["input"] == f"{path} (target y)" and b["input"] == "standard input (target y)"
    assert {k: v for k, v in a.items() if k not in ("input", "seconds", "events_per_second")} == \
        {k: v for k, v in b.items() if k not in ("input", "seconds", "events_per_second")}
    assert a["events"] == 4


def test_events_limits_a_csv():
    assert eval_json("--csv", "-", "--events", "2", stdin=GOOD_CSV)["events"] == 2


def test_malformed_row_names_its_line():
    code, out, err = run("eval", "--csv", "-", stdin=BAD_CSV, ok=False)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "line 4" in err and "field 2" in err


def test_skip_bad_rows():
    r = eval_json("--csv", "-", "--skip-bad-rows", stdin=BAD_CSV)
    assert r["events"] == 3 and r["bad_rows"] == 1


# ---- errors: one message on stderr, a non-zero exit, never a crash ------------------

ERRORS = [
    (("bogus",), 2, "unknown command 'bogus'"),
    (("eval",), 2, "--csv FILE or --stream KIND"),
    (("eval", "--stream", "sea", "--csv", "x.csv"), 2, "exactly one input"),
    (("eval", "--stream", "nope"), 2, "unknown stream kind 'nope'"),
    (("eval", "--stream", "sea", "--model", "nope"), 2, "unknown model kind 'nope'"),
    (("eval", "--stream", "sea", "--drift", "nope"), 2, "unknown drift kind 'nope'"),
    (("eval", "--stream", "sea", "--set", "model.nope=1"), 2, "has no parameter 'nope'"),
    (("eval", "--stream", "sea", "--set", "model.grace_period=0"), 2, "out of range [1, "),
    (("eval", "--stream", "sea", "--set", "model.grace_period=abc"), 2, "'abc' is not a number"),
    (("eval", "--stream", "sea", "--set", "model.grace_period=1.5"), 2, "model.grace_period=1.5"),
    (("eval", "--stream", "sea", "--set", "model.split_criterion=foo"), 2, "info_gain|gini|hellinger"),
    (("eval", "--stream", "sea", "--set", "stream.noise=2"), 2, "stream.noise=2: out of range [0, 1]"),
    (("eval", "--stream", "sea", "--drift", "adwin", "--set", "drift.delta=nan"), 2, "drift.delta=nan"),
    (("eval", "--stream", "sea", "--set", "drift.delta=0.1"), 2, "no drift detector"),
    (("eval", "--stream", "sea", "--set", "gadget.size=3"), 2, "not 'gadget'"),
    (("eval", "--stream", "sea", "--set", "noequals"), 2, "HANDLE.NAME=VALUE"),
    (("eval", "--stream", "sea", "--events", "0"), 2, "--events: '0'"),
    (("eval", "--stream", "sea", "--events", "-5"), 2, "--events: '-5'"),
    (("eval", "--stream", "sea", "--window"), 2, "--window needs a value"),
    (("eval", "--stream", "sea", "--metric-window", "0"), 2, "--metric-window: '0'"),
    (("eval", "--stream", "sea", "--on-drift", "fix"), 2, "'fix' is not a policy"),
    (("eval", "--stream", "sea", "--frobnicate"), 2, "unknown option '--frobnicate'"),
    (("eval", "--stream", "friedman", "--model", "hoeffding_tree"), 2, "is a classifier"),
    (("eval", "--stream", "friedman", "--drift", "ddm", "--events", "100"), 1, "0 / 1 error indicators"),
    (("eval", "--stream", "led", "--model", "logistic_regression", "--events", "100"), 1, "not a class index"),
    (("eval", "--csv", "/nonexistent/data.csv"), 1, "cannot open '/nonexistent/data.csv'"),
    (("eval", "--csv", "/"), 1, "not a CSV"),
    (("eval", "--stream", "sea", "--target", "y"), 2, "needs --csv"),
    (("eval", "--stream", "sea", "--events", "10", "--plot", "/nonexistent/p.svg"), 1, "/nonexistent/p.svg"),
    (("eval", "--stream", "sea", "--events", "10", "--save", "/nonexistent/m.ckpt"), 1, "/nonexistent/m.ckpt"),
    (("params", "nope"), 2, "'nope': no such kind"),
    (("params", "model.nope"), 2, "unknown model kind 'nope'"),
    (("params", "gadget.sea"), 2, "unknown handle type 'gadget'"),
    (("params", "sea", "adwin"), 2, "one KIND"),
    (("inspect",), 2, "usage: streamlearn inspect"),
    (("inspect", "/nonexistent/m.ckpt"), 1, "cannot open '/nonexistent/m.ckpt'"),
    (("inspect", "/etc/hostname"), 1, "not a streamlearn checkpoint"),
]


@pytest.mark.parametrize("args,code,message", ERRORS, ids=[" ".join(e[0]) for e in ERRORS])
def test_error(args, code, message):
    got, out, err = run(*args, ok=False)
    assert got == code, err
    assert message in err, err
    assert err.startswith("streamlearn: ") or err.startswith("usage:")
    assert out == ""


def test_csv_errors(tmp_path):
    cases = [("", "not a CSV"), ("y\n1\n", "no feature column"), ("a,y\n", "has no rows"),
             ("a,b,y\n1,2\n", "line 2"), ("a,b,y\n1,2,3\n", "not a class index"), ("a,b,y\n1,nan,0\n", "line 2")]
    for text, message in cases:
        code, out, err = run("eval", "--csv", "-", "--model", "logistic_regression", stdin=text, ok=False)
        assert code == 1 and message in err and out == "", (text, err)
    code, _, err = run("eval", "--csv", "-", "--target", "z", stdin=GOOD_CSV, ok=False)
    assert code == 2 and "no column 'z'" in err and "(columns: a, b, y)" in err


def test_garbage_never_crashes():
    import random
    rnd = random.Random(5)
    alphabet = 'ab,y01.5e-"\n\r\t x;NA?'
    for _ in range(200):
        text = "a,b,y\n" + "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(200)))
        code, _, _ = run("eval", "--csv", "-", "--skip-bad-rows", "--drift", "adwin", stdin=text, ok=False)
        assert code in (0, 1)


# ---- params ---------------------------------------------------------------------

def test_params_lists_kinds():
    out = run("params")[1]
    lines = {l.split()[0]: l.split()[1:] for l in out.splitlines()[1:]}
    assert "hoeffding_tree" in lines["model"] and "adwin" in lines["drift"] and "sea" in lines["stream"]


def test_params_of_every_kind():
    out = run("params")[1]
    for line in out.splitlines()[1:]:
        noun, *kinds = line.split()
        for k in kinds:
            text = run("params", f"{noun}.{k}")[1]
            assert text.startswith(f"{noun}.{k}: ")


def test_params_rows():
    out = run("params", "model.hoeffding_tree")[1]
    row = next(l for l in out.splitlines() if l.startswith("grace_period "))
    assert row.split()[:4] == ["grace_period", "int", "200", "[1,"]
    row = next(l for l in out.splitlines() if l.startswith("split_criterion "))
    assert row.split()[:4] == ["split_criterion", "enum", "info_gain", "info_gain|gini|hellinger"]
    assert "(fixed once data is seen)" in next(l for l in out.splitlines() if l.startswith("max_classes "))
    assert run("params", "adwin")[1] == run("params", "drift.adwin")[1]
    assert "delta" in run("params", "adwin")[1]


# ---- inspect ----------------------------------------------------------------------

def test_inspect_a_saved_model(tmp_path):
    ckpt = tmp_path / "model.ckpt"
    run("eval", "--stream", "sea", "--events", "3000", "--save", ckpt)
    out = run("inspect", ckpt)[1]
    rows = {l[:16].strip(): l[17:] for l in out.splitlines()}
    assert rows["handle type"] == "model" and rows["kind"] == "hoeffding_tree (id 8)"
    assert rows["format version"] == "1" and rows["compression"] == "none"
    assert rows["size"] == f"{ckpt.stat().st_size} bytes"
    assert rows["header checksum"] == "ok" and rows["payload checksum"] == "ok"
    data = ckpt.read_bytes()
    stored = struct.unpack_from("<Q", data, 12)[0]
    assert rows["payload"].startswith(f"{stored} bytes stored")

    truncated = tmp_path / "truncated.ckpt"
    truncated.write_bytes(data[:-10])
    code, out, err = run("inspect", truncated, ok=False)
    assert code == 1 and "corrupt" in err and "handle type      model" in out

    flipped = tmp_path / "flipped.ckpt"
    flipped.write_bytes(data[:40] + bytes([data[40] ^ 1]) + data[41:])
    code, out, err = run("inspect", flipped, ok=False)
    assert code == 1 and "payload checksum MISMATCH" in out


# ---- the plot -----------------------------------------------------------------------

def svg_of(tmp_path, *args):
    path = tmp_path / "plot.svg"
    summary = eval_json(*args, "--plot", path)
    return path, ET.parse(path).getroot(), summary


def by_class(root, cls):
    return [e for e in root.iter() if e.get("class") == cls]


def test_svg_is_valid_and_marks_drifts(tmp_path):
    path, root, s = svg_of(tmp_path, *SEA_DRIFTS, "--on-drift", "reset")
    assert root.tag == SVG + "svg"
    w, h = float(root.get("width")), float(root.get("height"))
    drifts, resets, changes = by_class(root, "drift"), by_class(root, "reset"), by_class(root, "change")
    assert [int(e.get("data-event")) for e in drifts] == s["drift_at"] and drifts
    assert [int(e.get("data-event")) for e in resets] == s["reset_at"]
    assert [int(e.get("data-event")) for e in changes] == [10001, 20001]
    assert all(e.find(SVG + "title").text.startswith("drift detected at event ") for e in drifts)
    (line,) = by_class(root, "metric")
    points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
    assert 500 <= len(points) <= 2048
    assert all(0 <= x <= w and 0 <= y <= h for x, y in points)
    assert [x for x, _ in points] == sorted(x for x, _ in points)


def test_svg_bounded_for_long_streams(tmp_path):
    _, root, _ = svg_of(tmp_path, "--stream", "sea", "--events", "400000", "--model", "logistic_regression")
    (line,) = by_class(root, "metric")
    assert 1000 <= len(line.get("points").split()) <= 2048


def test_svg_escapes_names(tmp_path):
    path = tmp_path / "a&b<c>.csv"
    path.write_text(GOOD_CSV)
    _, root, _ = svg_of(tmp_path, "--csv", path)
    assert any("a&b<c>.csv" in (t.text or "") for t in root.iter(SVG + "text"))


def png_pixels(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB / RGBA PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w, h, bpp = 8, b"", 0, 0, 3
    while pos < len(data):
        n, kind = struct.unpack_from(">I4s", data, pos)
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, color = struct.unpack_from(">IIBB", body)
            assert depth == 8 and color in (2, 6)
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, rows, prev = zlib.decompress(idat), [], bytearray(w * bpp)
    stride = w * bpp
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    return None


@pytest.mark.skipif(chromium() is None, reason="headless Chromium is not installed")
def test_plot_renders_in_a_browser(tmp_path):
    """The plot as a user sees it: Chromium draws the metric line (blue)
    and the drift markers (red) inside the 960 x 400 picture."""
    path, _, s = svg_of(tmp_path, *SEA_DRIFTS)
    png = tmp_path / "plot.png"
    subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=960,400", f"--screenshot={png}", path.as_uri()],
                   capture_output=True, timeout=120, check=True)
    w, h, rows = png_pixels(png)
    assert (w, h) == (960, 400)
    blue = sum(1 for r in rows for p in r if p[2] > 150 and p[0] < 90)
    assert blue > 1000
    # a drift line: a column that is red over most of the plot area's height
    red = [x for x in range(w) if sum(1 for r in rows[60:340] if r[x][0] - r[x][1] > 100) > 200]
    lines = [x for i, x in enumerate(red) if i == 0 or red[i - 1] != x - 1]
    assert len(lines) == s["drifts"] >= 1
    assert [round(70 + 870 * e / s["events"]) for e in s["drift_at"]] == pytest.approx(lines, abs=1)
