"""The claim registry and the verdict builders (provable/proofs_checks/_claim.py) on
planted data whose truth is known by construction: registration rules, the automatic
control's exponent on each side, a planted wrong algorithm as control, and the
identity / property builders."""

import numpy as np
import pytest

from provable.bounds import Citation
from provable.errors import InvalidArgument, InvalidType, UnknownName
from provable.proofs_checks import _claim
from provable.proofs_checks._claim import (
    Mutant,
    catalogue,
    claim,
    flags_verdict,
    get_claim,
    rate_verdict,
    residual_verdict,
)

CIT = Citation(title="A test theorem", authors="A. Author", year=2020, arxiv="2001.00001",
               origin="reference")
T = np.geomspace(1e2, 1e5, 7)


def _seeds(ys, n=16, sd=0.05, seed=0):
    rng = np.random.default_rng(seed)
    return np.asarray(ys, float) * rng.lognormal(0, sd, (n, len(ys)))


@pytest.fixture
def registry():
    catalogue()  # load the built-in claims first, so that they are restored too
    before = dict(_claim._REGISTRY)
    yield
    _claim._REGISTRY.clear()
    _claim._REGISTRY.update(before)


def _exp(params, seed):
    return residual_verdict(0.0, tol=1e-12, control_residual=1.0, what="0 - 0")


# -- registration ----------------------------------------------------------------------

def test_registration_and_lookup(registry):
    deco = claim(id="toy.zero", statement="0 = 0", kind="identity", citation=CIT,
                 budgets={"quick": {"n": 1}, "full": {"n": 2}},
                 mutants=[Mutant("one", "1 instead of 0", {"n": 3})])
    assert deco(_exp) is _exp
    c = get_claim("toy.zero")
    assert (c.id, c.kind, c.experiment, c.mutants[0].name) == ("toy.zero", "identity", _exp, "one")
    assert c.expected_seconds == {} and isinstance(c.mutants, tuple)
    # params() is a copy of the budget
    p = c.params("quick")
    p["n"] = 99
    assert c.params("quick") == {"n": 1} and c.params("full") == {"n": 2}
    with pytest.raises(UnknownName):
        c.params("medium")
    # registering the same function again is allowed; another function under the id is not
    deco(_exp)
    with pytest.raises(InvalidArgument, match="registered twice"):
        claim(id="toy.zero", statement="s", kind="identity", citation=CIT,
              budgets={})(lambda p, s: None)
    ids = [x.id for x in catalogue()]
    assert "toy.zero" in ids and ids == sorted(ids)


@pytest.mark.parametrize("kw, err, match", [
    ({"kind": "rate"}, UnknownName, "kind"),
    ({"budgets": {"medium": {}}}, UnknownName, "budget"),
    ({"mutants": ["no_bonus"]}, InvalidType, "expected Mutant"),
    ({"mutants": [Mutant("a", "x"), Mutant("a", "y")]}, InvalidArgument, "repeated"),
])
def test_registration_errors(registry, kw, err, match):
    args = {"id": "toy.bad", "statement": "s", "kind": "identity", "citation": CIT,
            "budgets": {"quick": {}}, **kw}
    with pytest.raises(err, match=match):
        claim(**args)
    assert "toy.bad" not in _claim._REGISTRY


def test_unknown_id_suggests_the_nearest():
    with pytest.raises(UnknownName, match=r"Did you mean 'ucb1.log_regret'"):
        get_claim("ucb1.log_regrett")
    with pytest.raises(UnknownName, match=r"claims;") as e:
        get_claim("zzzz.qqqq")
    assert "Did you mean" not in str(e.value)


# -- rate verdicts: the automatic control ----------------------------------------------------

def test_upper_bound_control_is_the_tightest_false_exponent_below():
    v = rate_verdict(T, _seeds(np.sqrt(T)), expected=0.5, kind="upper", tol=0.1, var="T")
    assert v.status == "holds" and v.control.status == "violated"
    # c + tol = measured - 0.25: the control claims O(T^c) with c = s - 0.25 - 0.1
    assert v.control.expected == pytest.approx(v.measured - 0.25 - 0.1, abs=1e-12)
    assert "0.25 beyond the measured one, upper bound" in v.control.reason
    d = v.data
    assert (d["var"], d["rate_kind"], d["statistic"]) == ("T", "upper", "mean")
    assert d["xs"] == T.tolist() and len(d["ys"]) == 16


@pytest.mark.parametrize("kind", ["lower", "tight"])
def test_lower_and_tight_controls_sit_above(kind):
    v = rate_verdict(T, _seeds(np.sqrt(T)), expected=0.5, kind=kind, tol=0.1, var="T")
    assert v.status == "holds" and v.control.status == "violated"
    assert v.control.expected == pytest.approx(v.measured + 0.25 + 0.1, abs=1e-12)


def test_control_offset_moves_the_control():
    v = rate_verdict(T, _seeds(np.sqrt(T)), expected=0.5, kind="upper", tol=0.1, var="T",
                     control_offset=0.5)
    assert v.control.expected == pytest.approx(v.measured - 0.6, abs=1e-12)
    with pytest.raises(InvalidArgument):
        rate_verdict(T, _seeds(np.sqrt(T)), expected=0.5, kind="upper", tol=0.1, var="T",
                     control_offset=0.0)


def test_unrejected_control_turns_holds_into_no_evidence():
    # 8 seeds with noise: sqrt(T) holds against 0.5 + 0.4 (CI about [0.40, 0.66]) but
    # the data cannot reject the false exponent 0.25 below the measured one
    ys = _seeds(np.sqrt(T), n=8, sd=0.5, seed=0)
    v = rate_verdict(T, ys, expected=0.5, kind="upper", tol=0.4, var="T")
    assert v.control.status != "violated"
    assert v.status == "inconclusive" and "so this is no evidence" in v.reason
    assert "could not reject an exponent 0.25 beyond" in v.reason


def test_planted_wrong_algorithm_as_control():
    good, bad = _seeds(np.sqrt(T)), _seeds(T)
    v = rate_verdict(T, good, expected=0.5, kind="upper", tol=0.1, var="T", control_ys=bad)
    assert v.status == "holds" and v.control.status == "violated"
    assert v.control.reason.startswith("planted wrong algorithm: ")
    assert v.control.measured == pytest.approx(1.0, abs=0.05)
    assert v.control.expected == 0.5 and len(v.control.data["ys"]) == 16
    # a "wrong" algorithm that is in fact right: not rejected, so no evidence
    v = rate_verdict(T, good, expected=0.5, kind="upper", tol=0.1, var="T",
                     control_ys=_seeds(np.sqrt(T), seed=9))
    assert v.control.status == "holds" and v.status == "inconclusive"
    assert "planted wrong algorithm's data were not rejected" in v.reason


def test_violated_stays_violated_whatever_the_control():
    v = rate_verdict(T, _seeds(T), expected=0.5, kind="upper", tol=0.1, var="T")
    assert v.status == "violated" and v.measured == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize("var", [None, "", 3])
def test_var_must_name_the_variable(var):
    with pytest.raises(InvalidType, match="var="):
        rate_verdict(T, _seeds(np.sqrt(T)), expected=0.5, kind="upper", tol=0.1, var=var)


def test_extra_data_are_kept():
    v = rate_verdict(T, _seeds(np.sqrt(T)), expected=0.5, kind="upper", tol=0.1, var="T",
                     extra={"family": "gap-scaled"})
    assert v.data["family"] == "gap-scaled"


# -- identities and properties --------------------------------------------------------------

def test_residual_verdict():
    v = residual_verdict(1e-14, tol=1e-12, control_residual=0.5, what="max |x - y|",
                         data={"n": 3})
    assert v.status == "holds" and v.control.status == "violated"
    assert v.measured == 1e-14 and v.expected == 0.0 and v.tolerance == 1e-12
    assert v.data == {"residual": 1e-14, "n": 3}
    assert v.control.measured == 0.5
    v = residual_verdict(1e-3, tol=1e-12, control_residual=0.5, what="r", measured=[1, 2],
                         expected=[1, 2.001])
    assert v.status == "violated" and v.measured == [1, 2] and v.expected == [1, 2.001]


def test_flags_verdict():
    v = flags_verdict([True, True, True, True], what="ok", control_flags=[True, False, True,
                                                                          False],
                      control_what="wrong")
    assert v.status == "holds" and v.control.status == "violated"
    assert v.measured == 1.0 and v.expected == 1.0 and v.control.measured == 0.5
    assert v.control.expected == 1.0 and v.control.reason
    v = flags_verdict([True, False, False, False], what="ok", control_flags=[False],
                      control_what="wrong", expected=0.9, data={"k": 1})
    assert v.status == "violated" and v.measured == 0.25 and v.expected == 0.9
    assert v.data == {"k": 1}


def test_mutant_and_claim_records_are_frozen_with_documented_defaults(registry):
    import dataclasses

    m = Mutant("a", "why")
    assert m.equivalent is False and m.params == {}
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.equivalent = True
    claim(id="toy.frozen", statement="s", kind="identity", citation=CIT,
          budgets={"quick": {}})(_exp)
    c = get_claim("toy.frozen")
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.kind = "property"
    assert "experiment" not in repr(c) and "toy.frozen" in repr(c)
    assert c.rate_id is None and c.design == "" and c.mutants == ()


def test_the_catalogue_loads_itself_in_a_fresh_process():
    import subprocess
    import sys

    code = ("from provable.proofs_checks._claim import {f}\n"
            "print({call})")
    for f, call in (("catalogue", "len(catalogue())"),
                    ("get_claim", "get_claim('ucb1.log_regret').kind")):
        out = subprocess.run([sys.executable, "-c", code.format(f=f, call=call)],
                             capture_output=True, text=True, check=True).stdout.strip()
        assert out == "rate_upper" if f == "get_claim" else int(out) >= 40


def test_rate_verdict_defaults():
    # min_decades = 1: a grid of 0.9 decades is too short, one of exactly 1 is judged
    short = np.geomspace(1e4, 10 ** 4.9, 5)
    v = rate_verdict(short, _seeds(np.sqrt(short)), expected=0.5, kind="upper", tol=0.3,
                     var="T")
    assert v.status == "inconclusive" and "decade" in v.reason
    one = np.geomspace(1e4, 1e5, 5)
    v = rate_verdict(one, _seeds(np.sqrt(one)), expected=0.5, kind="upper", tol=0.3, var="T")
    assert v.status == "holds"
    # statistic="quantile" defaults to the 0.9 quantile: 4 of 16 seeds grow linearly, so
    # the 0.9 quantile grows like T while the 0.45 quantile grows like sqrt(T)
    ys = _seeds(np.sqrt(T))
    ys[:4] = _seeds(T, n=4, seed=5)
    v = rate_verdict(T, ys, expected=0.5, kind="upper", tol=0.1, var="T", statistic="quantile")
    assert v.status == "violated" and v.data["fit"]["statistic"].startswith("quantile")
    v45 = rate_verdict(T, ys, expected=0.5, kind="upper", tol=0.1, var="T",
                       statistic="quantile", quantile=0.45)
    assert v45.status == "holds"
