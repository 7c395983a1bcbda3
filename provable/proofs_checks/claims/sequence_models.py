r"""Claims on the computational modes of sequence models: GateLoop.

``gateloop.modes`` (the recurrent, parallel-scan and surrogate-attention modes compute
the same outputs) and ``gateloop.mode_costs`` (their multiply-adds grow like
:math:`l`, :math:`l \log_2 l` and :math:`l^2`). The model is
:mod:`provable.automata._gateloop`; the planted mistakes of the mutant batteries are
switched on through its back ends' ``mutation`` argument.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from provable.automata._gateloop import (
    _attention,
    _parallel,
    _recurrent,
    gateloop_gates,
    gateloop_madds,
    gateloop_scale,
)
from provable.bounds._citation import Citation
from provable.proofs_checks._claim import Mutant, claim, rate_verdict, residual_verdict
from provable.proofs_checks._search import falsify, with_search
from provable.proofs_checks._stats import fit_exponent, judge_exponent
from provable.proofs_checks._verdict import Verdict
from provable.proofs_checks.claims.online import combine

__all__: list[str] = []

S001 = "001_3c307a0568d472da.txt"
_TITLE = "GateLoop: Fully Data-Controlled Linear Recurrence for Sequence Modeling"
_SEED_TEXT = ("Our method comes with a low-cost O(l) recurrent mode and an efficient O(l "
              "log_{2} l) parallel mode making use of highly optimized associative scan "
              "implementations. Furthermore, we derive an O(l^2) surrogate attention mode, "
              "revealing remarkable implications for Transformer and recently proposed "
              "architectures.")
_RESTORED = ("Our method comes with a low-cost O(l) recurrent mode and an efficient "
             "O(l log₂ l) parallel mode making use of highly optimized associative scan "
             "implementations. Furthermore, we derive an O(l²) surrogate attention mode")
_SOURCES = (
    "Model: h_n = a_n (.) h_{n-1} + k_n^T v_n, y_n = q_n h_n (state d_k x d_v, one gate per "
    "key dimension), the scan operator (a_i, K_i) . (a_j, K_j) = (a_j a_i, a_j K_i + K_j) and "
    "the surrogate attention Y = (Qbar Kbar^T (.) M) V with Qbar_n = q_n (.) prod_{j<=n} a_j, "
    "Kbar_m = k_m / prod_{j<=m} a_j, M causal, no softmax. Reconstructed from the abstract "
    "(the three modes, data-controlled cumulative products as relative positions) and two "
    "public implementations of arXiv 2311.01927, not from the paper's full text: "
    "lucidrains/gateloop-transformer (gate_loop_operator, which cites itself as the "
    "pseudocode of the paper's section 3.2, and the data-dependent relative-position "
    "attention of CausalFullAttention: q times the cumulative product of a, k divided by "
    "it, causal mask, no softmax) and jonmorton/gateloop_jax (the same operator through "
    "jax.lax.associative_scan). Gates a = sigmoid(r) exp(i theta) (sigmoid magnitude, "
    "identity phase, as in both implementations); real gates sigmoid(r). The identity "
    "needs no constants; the gate parameterisation only sets the instance space.")


def _rng(seed: int, *salt: int) -> np.random.Generator:
    return np.random.default_rng([seed, *salt])


def _instance(l: int, dk: int, dv: int, r_lo: float, r_hi: float, cplx: bool,  # noqa: E741
              rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Gaussian q, k, v; gates sigmoid(r) (times exp(i theta) when ``cplx``), r uniform
    on [r_lo, r_hi], theta uniform on [-pi, pi]."""
    q, k, v = rng.normal(size=(l, dk)), rng.normal(size=(l, dk)), rng.normal(size=(l, dv))
    r = rng.uniform(r_lo, r_hi, size=(l, dk))
    a = gateloop_gates(r, rng.uniform(-np.pi, np.pi, size=(l, dk)) if cplx else None)
    return q, k, v, a


def _rel(y: np.ndarray, ref: np.ndarray, scale: np.ndarray) -> float:
    with np.errstate(all="ignore"):
        e = np.abs(y - ref) / scale
    return float(np.max(e)) if np.all(np.isfinite(e)) else float("inf")


def _mode_errors(inst: tuple[np.ndarray, ...], mutation: str | None) -> dict[str, Any]:
    """Relative errors of the parallel mode and of both attention forms against the
    recurrent mode, each entry divided by the scale of that output (the recurrence on
    absolute values, which bounds every mode's rounding error)."""
    q, k, v, a = inst
    scale = gateloop_scale(q, k, v, a)
    y_rec, _ = _recurrent(q, k, v, a, mutation)
    y_par, _ = _parallel(q, k, v, a, mutation)
    y_rel, _, _ = _attention(q, k, v, a, "relative", mutation)
    with np.errstate(all="ignore"):
        y_fac, _, in_range = _attention(q, k, v, a, "factored", mutation)
    e_fac = _rel(y_fac, y_rec, scale)
    out = {"parallel": _rel(y_par, y_rec, scale), "attention_relative": _rel(y_rel, y_rec, scale),
           "factored_in_range": in_range, "attention_factored": e_fac}
    judged = [out["parallel"], out["attention_relative"]] + ([e_fac] if in_range else [])
    out["max_error"] = max(judged)
    return out


def _control_error(inst: tuple[np.ndarray, ...]) -> float:
    """The deliberately wrong identity: the surrogate attention with the diagonal of the
    causal mask dropped (m < n instead of m <= n), against the recurrence."""
    q, k, v, a = inst
    y_rec, _ = _recurrent(q, k, v, a)
    y_bad, _, _ = _attention(q, k, v, a, "relative", "mask_off_by_one")
    return _rel(y_bad, y_rec, gateloop_scale(q, k, v, a))


def _search_instances() -> Any:
    """(l, d_k, d_v, r_lo, width, complex, seed): gates sigmoid(r), r on [r_lo, r_lo + width]
    within [-700, 40] (moduli from 1e-304 to 1 - 4e-18, which rounds to 1)."""
    return st.tuples(st.integers(1, 256), st.integers(1, 4), st.integers(1, 3),
                     st.floats(-700.0, 40.0), st.floats(0.0, 740.0), st.booleans(),
                     st.integers(0, 2**32 - 1))


def _search_inst(x: tuple) -> tuple[np.ndarray, ...]:
    l, dk, dv, r_lo, width, cplx, s = x  # noqa: E741
    return _instance(l, dk, dv, r_lo, min(r_lo + width, 40.0), cplx, np.random.default_rng(s))


@claim(
    id="gateloop.modes",
    statement="GateLoop's three modes compute the same outputs: the recurrence h_n = a_n (.) "
              "h_{n-1} + k_n^T v_n, y_n = q_n h_n (O(l)); the associative scan of (a_n, "
              "k_n^T v_n) under (a_i, K_i) . (a_j, K_j) = (a_j a_i, a_j K_i + K_j) "
              "(O(l log_2 l)); and the surrogate attention Y = (Qbar Kbar^T (.) M) V with "
              "Qbar = Q (.) prod_{j<=n} a_j, Kbar = K / prod_{j<=m} a_j and the causal mask M "
              "(O(l^2)), for real and complex data-controlled gates.",
    kind="identity",
    citation=Citation(
        title=_TITLE, authors="Katsch", year=2023, arxiv="2311.01927", seed_file=S001,
        seed_text=_SEED_TEXT, restored=_RESTORED,
        note=_SOURCES + " The factored attention form divides by prod_{j<=m} a_j, which "
             "leaves the double range once |prod a| < 1e-308 (a long sequence of gates "
             "below 1, or a gate near 0): it is then numerically unusable (measured: a "
             "non-finite or order-one error), so it is judged only where every |prod_{j<=n} "
             "a_j| >= 1e-280 (the regime of short sequences and gates near 1); everywhere "
             "the attention mode is also computed in the relative form, the same matrix "
             "prod_{j=m+1}^{n} a_j built diagonal by diagonal without division (our "
             "rewriting, not a form the paper gives), which is judged on every instance."),
    budgets={"quick": {"configs": [[256, 4, 3, -3.0, 3.0, True], [256, 4, 3, -3.0, 3.0, False],
                                   [1024, 2, 2, 20.0, 40.0, True], [64, 2, 2, -700.0, -600.0, True],
                                   [1024, 2, 2, -3.0, 3.0, True], [1, 1, 1, 0.0, 0.0, True]],
                       "search_examples": 25},
             "full": {"configs": [[256, 4, 3, -3.0, 3.0, True], [256, 4, 3, -3.0, 3.0, False],
                                  [1024, 2, 2, 20.0, 40.0, True], [64, 2, 2, -700.0, -600.0, True],
                                  [1024, 2, 2, -3.0, 3.0, True], [1, 1, 1, 0.0, 0.0, True],
                                  [2048, 4, 4, -3.0, 3.0, True], [4096, 1, 2, 30.0, 40.0, False],
                                  [512, 8, 8, -40.0, 40.0, True], [2048, 2, 2, -700.0, 40.0, True]],
                      "search_examples": 300}},
    design="Fixed instances (l, d_k, d_v, gate pre-activation range, real or complex): "
           "moderate gates sigmoid([-3, 3]) complex and real at l = 256; gates within 2e-9 "
           "of modulus 1 at l = 1024; gates near 0 (sigmoid([-700, -600]) ~ 1e-304) at "
           "l = 64; l = 1024 with moderate gates, where prod a underflows; l = 1. Statistic: "
           "max over n and output entries of |y_mode - y_recurrent| / s_n, s_n the "
           "recurrence on absolute values (the scale every mode's rounding error is bounded "
           "by), <= 1e-10 for the parallel mode, the relative attention form everywhere "
           "and the factored form where its cumulative products stay in range (its "
           "out-of-range errors are reported). Control: the attention with the diagonal of "
           "the causal mask dropped, which must miss by more than 1e-10 on every instance. "
           "Search: hypothesis over l in 1..256, d_k in 1..4, d_v in 1..3, gate ranges "
           "inside sigmoid([-700, 40]), real or complex, and the inputs' seed; the "
           "diagonal-dropped attention must be found and shrunk.",
    expected_seconds={"quick": 4.5, "full": 30.0},
    mutants=(
        Mutant("gate_after_input", "the gate applied after the input is added, h_n = a_n "
               "(.) (h_{n-1} + k_n^T v_n): the newest input is damped by its own gate",
               {"gateloop_mutation": "gate_after_input"}),
        Mutant("operator_reversed", "the scan operator applies the earlier element's gate "
               "to the later input, (a_i a_j, a_i K_j + K_i): a recurrence run backwards",
               {"gateloop_mutation": "operator_reversed"}),
        Mutant("mask_off_by_one", "the causal mask keeps m < n instead of m <= n: the "
               "current key-value pair is left out", {"gateloop_mutation": "mask_off_by_one"}),
        Mutant("cumprod_missing_first", "the queries' cumulative product starts at a_2 "
               "(prod_{j=2}^{n} a_j) while the keys' starts at a_1: every output off by a "
               "factor 1/a_1", {"gateloop_mutation": "cumprod_missing_first"}),
        Mutant("conjugate_dropped", "1/prod a computed as prod a / |prod a|^2 (the "
               "conjugate of conj(P)/|P|^2 dropped): for complex gates the keys' phase "
               "turns forward instead of back", {"gateloop_mutation": "conjugate_dropped"}),
    ),
)
def _gateloop_modes(params: dict, seed: int) -> Verdict:
    mut = params.get("gateloop_mutation")
    res, cres, rows, unstable = 0.0, np.inf, [], []
    for i, (l, dk, dv, r_lo, r_hi, cplx) in enumerate(params["configs"]):  # noqa: E741
        inst = _instance(l, dk, dv, r_lo, r_hi, cplx, _rng(seed, 0x61, i))
        e = _mode_errors(inst, mut)
        c = _control_error(inst)
        res, cres = max(res, e["max_error"]), min(cres, c)
        row = {"l": l, "d_k": dk, "d_v": dv, "r_range": [r_lo, r_hi], "complex": cplx, **e,
               "control_error": c}
        rows.append(row)
        if not e["factored_in_range"]:
            unstable.append({"l": l, "r_range": [r_lo, r_hi],
                             "factored_error": e["attention_factored"]})
    v = residual_verdict(
        res, tol=1e-10, control_residual=cres,
        what="max relative |y_mode - y_recurrent| (parallel; attention, relative form; "
             "factored form where prod a is in range)",
        control_what="attention with the diagonal of the causal mask dropped: min relative "
                     "error", data={"configs": rows, "factored_out_of_range": unstable})
    sv = falsify(_search_instances(), lambda x: _mode_errors(_search_inst(x), mut)["max_error"],
                 threshold=1e-10, max_examples=int(params.get("search_examples", 25)),
                 seed=seed, database=None, what="max relative mode disagreement on (l, d_k, "
                 "d_v, gate range, complex, input seed)",
                 control=lambda x: _control_error(_search_inst(x)))
    return with_search(v, sv)


# ---------------------------------------------------------------------------
def _costs(l: int, dk: int, dv: int, rng: np.random.Generator,  # noqa: E741
           mutation: str | None, cplx: bool = False) -> dict[str, int]:
    """Multiply-adds counted while each mode runs on one instance of length l."""
    q, k, v, a = _instance(l, dk, dv, -3.0, 3.0, cplx, rng)
    with np.errstate(all="ignore"):
        return {"recurrent": _recurrent(q, k, v, a, mutation)[1],
                "parallel": _parallel(q, k, v, a, mutation)[1],
                "attention_factored": _attention(q, k, v, a, "factored", mutation)[1],
                "attention_relative": _attention(q, k, v, a, "relative", mutation)[1]}


_COST_PARTS = (("recurrent", 1.0, 0.0, "recurrent"), ("parallel", 1.0, 1.0, "parallel"),
               ("attention_factored", 2.0, 0.0, "attention"),
               ("attention_relative", 2.0, 0.0, "attention"))


@claim(
    id="gateloop.mode_costs",
    statement="GateLoop's recurrent mode costs O(l) multiply-adds, its parallel "
              "(associative-scan) mode O(l log_2 l) and its surrogate attention mode O(l^2), "
              "l the sequence length.",
    kind="rate_upper",
    rate_id="gateloop.parallel",
    citation=Citation(
        title=_TITLE, authors="Katsch", year=2023, arxiv="2311.01927", seed_file=S001,
        seed_text=_SEED_TEXT, restored=_RESTORED,
        note=_SOURCES + " Costs are multiply-adds counted as each mode runs (one unit per "
             "scalar multiplication or division, real or complex, its addition folded in), "
             "not wall time. The parallel mode is the Hillis-Steele (Kogge-Stone) scan, "
             "ceil(log2 l) rounds of l - 2^r combines, whose work is the abstract's "
             "O(l log2 l); jax.lax.associative_scan, which the implementations call, is "
             "work-efficient (O(l) work, O(log l) depth) and meets the same upper bound. "
             "The rates gateloop.recurrent and gateloop.attention are checked as parts."),
    budgets={"quick": {"ls": [2 ** e for e in range(4, 11)], "d_k": 2, "d_v": 2},
             "full": {"ls": [2 ** e for e in range(4, 13)], "d_k": 2, "d_v": 2}},
    design="l = 16 ... 1024 (1.8 decades, 7 points; full: to 4096), d_k = d_v = 2, real "
           "gates (complex gates give the same counts, checked on the first three points): "
           "the counted multiply-adds of each mode, a deterministic curve, fitted "
           "log-log at the top of the grid: recurrent slope <= 1 + 0.1; parallel, divided "
           "by log l, <= 1 + 0.1; attention (the paper's factored form and the relative "
           "form) <= 2 + 0.1. The counts are also compared with their closed forms and "
           "judged two-sided (tight), reported in data. Control: a false exponent 0.25 "
           "below each measured one, which the data must reject.",
    expected_seconds={"quick": 1.0, "full": 15.0},
    mutants=(
        Mutant("resum_history", "the recurrent mode forgets its state and re-sums the "
               "unfolded history sum_m q_n k_m^T v_m prod_{j=m+1}^{n} a_j at every step: "
               "O(l^2)", {"cost_mutation": "resum_history"}),
        Mutant("per_output_reduction", "the parallel mode reduces every prefix by its own "
               "balanced tree instead of one scan sharing the partial results: l - 1 "
               "combines for the last output alone, O(l^2) in all",
               {"cost_mutation": "per_output_reduction"}),
        Mutant("linear_offsets", "the scan's offsets grow 1, 2, 3, ... instead of doubling: "
               "l - 1 rounds, O(l^2) combines", {"cost_mutation": "linear_offsets"}),
        Mutant("pairwise_products", "the attention's relative gates prod_{j=m+1}^{n} a_j "
               "rebuilt from scratch for every pair (m, n): O(l^3)",
               {"cost_mutation": "pairwise_products"}),
        Mutant("identity_padding", "every scan round combines all l positions, the first "
               "2^r against the identity (1, 0): l ceil(log2 l) combines instead of "
               "l ceil(log2 l) - (2^R - 1), the same O(l log l)",
               {"cost_mutation": "identity_padding"}, equivalent=True),
    ),
)
def _gateloop_costs(params: dict, seed: int) -> Verdict:
    ls = [int(x) for x in params["ls"]]
    dk, dv = int(params["d_k"]), int(params["d_v"])
    mut = params.get("cost_mutation")
    counts: dict[str, list[int]] = {name: [] for name, *_ in _COST_PARTS}
    for i, l in enumerate(ls):  # noqa: E741
        for name, c in _costs(l, dk, dv, _rng(seed, 0x63, i), mut).items():
            counts[name].append(c)
    # the counts depend on the shapes only: complex gates give the same on the first points
    same = all(_costs(l, dk, dv, _rng(seed, 0x64, i), mut, cplx=True)
               == {n: counts[n][i] for n in counts} for i, l in enumerate(ls[:3]))  # noqa: E741
    closed = {name: [gateloop_madds(mode, l, dk, dv,
                                    "relative" if name == "attention_relative" else "factored")
                     for l in ls] for name, _, _, mode in _COST_PARTS}  # noqa: E741
    verdicts, tight = {}, {}
    for name, b, p, _ in _COST_PARTS:
        verdicts[name] = rate_verdict(ls, counts[name], expected=b, kind="upper", tol=0.1,
                                      var="l", polylog=p, deterministic=True, seed=seed)
        fit = fit_exponent(ls, counts[name], polylog=p, deterministic=True)
        tight[name] = judge_exponent(fit, b, kind="tight", tol=0.1)
    main = verdicts["parallel"]
    parts = []
    for name, b, p, _ in _COST_PARTS:
        if name == "parallel":
            continue
        v = verdicts[name]
        parts.append((f"{name} O(l^{b:g})", v.status, v.reason))
        if v.control.status != "violated":      # report the weakest control
            main["control"] = v.control
    out = combine(main, parts)
    out["data"].update({"quantity": "multiply-adds of the parallel mode (plotted)",
                        "counts": counts, "closed_forms": closed,
                        "counts_match_closed_forms": {n: counts[n] == closed[n] for n in counts},
                        "complex_gates_same_counts": same,
                        "tight": {n: {"status": s, "reason": r} for n, (s, r) in tight.items()},
                        "slopes": {n: verdicts[n].measured for n in verdicts}})
    return out
