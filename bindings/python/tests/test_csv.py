"""streamlearn.stream.CSVReader: the C reader from a path, bytes and a file
object gives the rows numpy's own parser gives; bad rows raise after the
good ones (or are skipped); read errors reach the caller."""
import io

import numpy as np
import pytest

from streamlearn import errors, stream, synth

TEXT = b"\xef\xbb\xbfa,\"b\",y\r\n1,2.5,0\n\n3,-4e-3,1\n5,x,1\n7,8,NA\n9,\"10\",1\n"


def rows_of(n=3000):
    X, y = synth.Friedman(seed=3).next_many(n)
    return X, y


def test_path_bytes_and_file_give_the_rows_numpy_reads(tmp_path):
    X, y = rows_of()
    f = io.BytesIO()
    synth.Friedman(seed=3).write_csv(f, len(y))
    path = tmp_path / "f.csv"
    path.write_bytes(f.getvalue())
    want = np.loadtxt(path, delimiter=",", skiprows=1)
    assert np.array_equal(want[:, :-1], X) and np.array_equal(want[:, -1], y)
    for source in (str(path), path, f.getvalue(), io.BytesIO(f.getvalue())):
        with stream.CSVReader(source) as r:
            assert r.target == "y" and r.feature_names == [f"x{i}" for i in range(10)]
            parts = list(r.batches(1000))
        assert [len(p[0]) for p in parts] == [1000, 1000, 1000]
        assert np.array_equal(np.vstack([p[0] for p in parts]), X)
        assert np.array_equal(np.concatenate([p[1] for p in parts]), y)


def test_target_by_name_index_or_none():
    r = stream.CSVReader(b"a,b,c\n1,2,3\n", target="a")
    assert (r.feature_names, r.next_many(5)[1].tolist()) == (["b", "c"], [1.0])
    r = stream.CSVReader(b"a,b,c\n1,2,3\n", target=1)
    assert r.next_many(5)[0].tolist() == [[1.0, 3.0]]
    X, y = stream.CSVReader(b"a,b,c\n1,2,3\n", target=None).next_many(5)
    assert X.tolist() == [[1.0, 2.0, 3.0]] and y is None
    with pytest.raises(errors.NotFoundError):
        stream.CSVReader(b"a,b\n1,2\n", target="z")


def test_bad_rows_raise_after_the_good_ones_then_reading_goes_on():
    r = stream.CSVReader(TEXT)
    assert r.columns == ["a", "b", "y"]
    X, y = r.next_many(10)
    assert X.tolist() == [[1.0, 2.5], [3.0, -4e-3]] and y.tolist() == [0.0, 1.0]
    with pytest.raises(errors.CorruptError) as e:
        r.next_many(10)
    assert e.value.line == 5
    with pytest.raises(errors.NotFoundError) as e:
        r.next_many(10)
    assert e.value.line == 6
    assert r.next_many(10)[0].tolist() == [[9.0, 10.0]]
    rows = list(stream.iter_csv(TEXT, errors="skip"))
    assert rows == [({"a": 1.0, "b": 2.5}, 0.0), ({"a": 3.0, "b": -4e-3}, 1.0), ({"a": 9.0, "b": 10.0}, 1.0)]
    r = stream.CSVReader(TEXT, errors="skip")
    list(r)
    assert [(line, name) for line, name, _ in r.skipped] == [(5, "ECORRUPT"), (6, "ENOTFOUND")]


def test_a_failing_file_read_reaches_the_caller():
    class Flaky(io.BytesIO):
        def read(self, n=-1):
            if self.tell() > 100:
                raise OSError("disk gone")
            return super().read(min(n, 50))

    X, y = rows_of(200)
    f = io.BytesIO()
    synth.Friedman(seed=3).write_csv(f, 200)
    r = stream.CSVReader(Flaky(f.getvalue()))
    with pytest.raises(OSError, match="disk gone"):
        r.next_many(200)
    with pytest.raises(errors.StreamIOError):
        stream.CSVReader("/nonexistent/file.csv")
    with pytest.raises(errors.InvalidArgumentError):
        stream.CSVReader(3.5)
