"""Errors become exceptions with the status name and the handle's detail;
the handle is unchanged after each one; parameters are checked by the C table."""
import inspect
import math

import numpy as np
import pytest
from conftest import require

from streamlearn import _lib, drift, errors
from streamlearn.errors import StreamlearnError


def test_every_c_status_has_its_class():
    code = -1
    while _lib.text(_lib.sl_status_name(code)) != "UNKNOWN":
        name = _lib.text(_lib.sl_status_name(code))
        cls = errors.BY_STATUS.get(code)
        assert cls is not None, f"no exception class for {name} ({code})"
        assert cls.name == name and cls.status == code
        code -= 1
    assert len(errors.BY_STATUS) == -1 - code, "a class for a status the library does not have"


def test_exception_carries_status_name_and_detail():
    ph = drift.PageHinkley()
    with pytest.raises(errors.NonFiniteError) as e:
        ph.update(math.nan)
    assert e.value.status == -4 and e.value.name == "ENONFINITE"
    assert "NaN" in e.value.detail and str(e.value).startswith("ENONFINITE: ")
    assert isinstance(e.value, StreamlearnError) and isinstance(e.value, ValueError)


def test_bad_value_leaves_the_detector_unchanged():
    ph = drift.PageHinkley()
    ph.update_many(np.arange(100.0))
    before = ph.to_bytes()
    for bad in (math.inf, -math.inf, math.nan):
        with pytest.raises(errors.NonFiniteError):
            ph.update(bad)
    with pytest.raises(errors.NonFiniteError) as e:
        ph.update_many(np.array([1.0, 2.0, math.nan, 4.0]))
    assert "value 2" in e.value.detail
    assert ph.to_bytes() == before


def test_binary_detector_refuses_other_values():
    require(drift.DDM)
    d = drift.DDM()
    with pytest.raises(errors.InvalidArgumentError) as e:
        d.update(0.5)
    assert e.value.name == "EINVAL" and "0 / 1" in e.value.detail
    d.update(True).update(0).update(1.0)
    assert d.stat("allocations") >= 1


def test_parameters_checked_by_the_c_table():
    with pytest.raises(errors.UnknownParameterError) as e:
        drift.PageHinkley(no_such=1)
    assert "no_such" in e.value.detail
    with pytest.raises(errors.ParameterRangeError):
        drift.PageHinkley(delta=-1.0)
    with pytest.raises(errors.ParameterRangeError):
        drift.PageHinkley(mode="sideways")
    with pytest.raises(errors.ParameterTypeError):
        drift.PageHinkley(min_instances=2.5)
    with pytest.raises(errors.ParameterTypeError):
        drift.PageHinkley(delta=[1])
    with pytest.raises(errors.NonFiniteError):
        drift.PageHinkley(threshold=math.inf)
    with pytest.raises(errors.ParameterRangeError):
        drift.PageHinkley(min_instances=10**30)


def test_parameter_values_round_trip_with_python_types():
    ph = drift.PageHinkley(min_instances=7, delta=0.25, mode="down")
    assert ph.get_params() == {"min_instances": 7, "delta": 0.25, "threshold": 50.0, "alpha": 0.9999,
                               "mode": "down"}
    assert ph.delta == 0.25 and ph.mode == "down"
    ph.set_params(mode=0, threshold=3)
    assert ph.mode == "up" and ph.threshold == 3.0
    assert repr(ph).startswith("PageHinkley(min_instances=7, ")


def test_fixed_after_start_is_a_state_error():
    require(drift.KSWIN)
    k = drift.KSWIN(window_size=60)
    k.update(1.0)
    with pytest.raises(errors.StateError):
        k.set_params(window_size=80)
    assert k.window_size == 60


def test_docstring_and_signature_come_from_the_table():
    doc = drift.PageHinkley.__doc__
    for p in drift.PageHinkley.parameters():
        assert p.name in doc and p.doc in doc
    sig = inspect.signature(drift.PageHinkley)
    assert sig.parameters["delta"].default == 0.005
    assert sig.parameters["mode"].default == "both"


def test_closed_handle_raises():
    ph = drift.PageHinkley()
    ph.close()
    ph.close()
    with pytest.raises(errors.InvalidArgumentError) as e:
        ph.update(1.0)
    assert "closed" in e.value.detail
    assert repr(ph) == "PageHinkley(<closed>)"


def test_missing_kind_is_a_kind_error():
    class Nonexistent(drift.DriftDetector):
        _kind = "no_such_detector"

    assert "Not available" in Nonexistent.__doc__
    with pytest.raises(errors.KindError):
        Nonexistent()
