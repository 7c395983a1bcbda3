r"""Any-order models on enumerable token spaces: absorbing diffusion's concrete score
(RADD), its losses and the any-order autoregressive NLL, and any-subset speculative
decoding (ASSD) with its output distribution computed exactly.

A target is an explicit joint :math:`p` over :math:`V^d` (an array of shape
``(V,) * d``); the mask token is ``V``. Everything is computed by enumeration.

**Absorbing process** (Ou et al. 2024). Each token independently stays with
probability :math:`e^{-\bar\sigma(t)}` and is masked otherwise,
:math:`\bar\sigma(t) = \int_0^t \sigma(s)\,ds`. The concrete score of a noisy
sequence :math:`x_t` with :math:`x_t^i` masked, towards :math:`\hat x_t` equal to
:math:`x_t` but :math:`\hat x_t^i = v`, is the ratio of noised marginals, and
Theorem 1 of the paper writes it as

.. math:: \frac{p_t(\hat x_t)}{p_t(x_t)} = \frac{e^{-\bar\sigma(t)}}{1 - e^{-\bar\sigma(t)}}
          \, p_0(v \mid x_t^{\mathrm{UM}}).

**Losses.** For any model of the clean conditionals :math:`c(v \mid i, x^{\mathrm{UM}})`
the score-entropy loss of the reparameterised score, its :math:`\lambda`-form

.. math:: \mathcal L_\lambda(x_0) = \int_0^1 \frac{1}{\lambda}
          \mathbb E_{x_\lambda}\Big[\sum_{i: x_\lambda^i = M} -\log c(x_0^i \mid i,
          x_\lambda^{\mathrm{UM}})\Big] d\lambda

(each token masked with probability :math:`\lambda`), its :math:`k`-form and the
any-order autoregressive NLL :math:`\mathbb E_{\pi}\sum_l -\log c(x_0^{\pi(l)} \mid
x_0^{\pi(<l)})` (uniform orders) are equal (Theorem 2).

**ASSD** (Guo & Ermon 2025). Along a fixed order, draft the next :math:`k` tokens in
one network call, each from its conditional given the decoded tokens only; verify
them in one call that returns each drafted token's conditional given the decoded
tokens and the drafts before it; accept draft :math:`j` with probability
:math:`\min(1, p_j/q_j)`, and at the first rejection draw from
:math:`(p_j - q_j)_+` normalised and stop. The last token is drawn from the draft call
alone. The output is distributed exactly as :math:`p`, and with :math:`k \ge 2` the
network calls never exceed the tokens predicted.

Examples
--------
>>> import numpy as np
>>> p = random_joint(2, 3, seed=0)
>>> out = assd_distribution(p, order=[2, 0, 1], k=2)
>>> bool(np.abs(out.dist - p.ravel()).sum() / 2 < 1e-12), out.max_excess_calls <= 0
(True, True)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from provable._validation import as_generator, check_choice, check_int, check_real
from provable.errors import InvalidArgument

__all__ = ["SCORE_MUTATIONS", "LOSS_MUTATIONS", "ASSD_MUTATIONS", "random_joint",
           "clean_conditional", "absorbing_marginal", "loglinear_noise", "concrete_scores",
           "radd_scores", "table_conditionals", "joint_conditionals", "ao_arm_nll",
           "fixed_order_nll", "lambda_dce", "k_dce", "t_dse", "AnySubsetOracle",
           "assd_sample", "assd_distribution", "AssdDistribution"]

SCORE_MUTATIONS = (None, "scalar_rate", "scalar_no_numerator", "noised_conditional",
                   "mask_prob_swapped", "bare_conditional")
LOSS_MUTATIONS = (None, "no_inverse_lambda", "mask_prob_complement", "dse_const_dropped",
                  "kdce_missing_d")
ASSD_MUTATIONS = (None, "accept_q_over_p", "resample_from_target", "rejected_token_kept",
                  "no_break_after_reject", "verify_loop_off_by_one", "verify_last_token",
                  "no_verification")

Cond = Callable[[int, tuple], np.ndarray]


def _as_joint(p: Any) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    if p.ndim < 1 or len(set(p.shape)) != 1 or p.shape[0] < 2:
        raise InvalidArgument(f"p has shape {p.shape}, expected (V,) * d with V >= 2")
    if (p < 0).any() or abs(p.sum() - 1) > 1e-9:
        raise InvalidArgument(f"p sums to {p.sum():.12g} with min {p.min():g}, expected a "
                              "probability array")
    return p


def random_joint(V: int, d: int, seed: Any = 0, concentration: float = 1.0) -> np.ndarray:
    """A Dirichlet(``concentration``) joint over :math:`V^d`, shape ``(V,) * d``.

    Examples
    --------
    >>> random_joint(3, 2, seed=1).shape
    (3, 3)
    """
    check_int("V", V, min_value=2)
    check_int("d", d, min_value=1)
    check_real("concentration", concentration, lower=0.0, lower_open=True)
    rng = as_generator(seed)
    return rng.dirichlet(np.full(V ** d, concentration)).reshape((V,) * d)


def clean_conditional(p: Any, i: int, context: Sequence[int]) -> np.ndarray:
    """:math:`p(x_i = \\cdot \\mid x_S)`, ``S`` the positions where ``context`` is not
    ``-1`` (nor the mask ``V``); ``context[i]`` is ignored.

    Examples
    --------
    >>> p = np.array([[0.1, 0.2], [0.3, 0.4]])
    >>> clean_conditional(p, 1, (0, -1)).round(4).tolist()
    [0.3333, 0.6667]
    """
    p = np.asarray(p, dtype=float)
    V, d = p.shape[0], p.ndim
    known = [j for j in range(d) if j != i and 0 <= context[j] < V]
    idx = tuple(context[j] if j in known else slice(None) for j in range(d))
    sub = p[idx]                              # axes: the unknown positions, in order
    free = [j for j in range(d) if j not in known]
    axes = tuple(a for a, j in enumerate(free) if j != i)
    m = sub.sum(axis=axes) if axes else sub
    return m / m.sum()


def loglinear_noise(t: Any, eps: float = 1e-3) -> tuple[np.ndarray, np.ndarray]:
    """RADD's log-linear schedule: total noise :math:`\\bar\\sigma(t) = -\\log(1 - (1 -
    \\varepsilon) t)` and rate :math:`\\sigma(t) = (1 - \\varepsilon)/(1 - (1 -
    \\varepsilon) t)`, so that :math:`1 - e^{-\\bar\\sigma(t)} = (1 - \\varepsilon) t`.

    Examples
    --------
    >>> sb, s = loglinear_noise(0.5, eps=0.0)
    >>> round(float(sb), 6), round(float(s), 6)
    (0.693147, 2.0)
    """
    t = np.asarray(t, dtype=float)
    return -np.log1p(-(1 - eps) * t), (1 - eps) / (1 - (1 - eps) * t)


def absorbing_marginal(p: Any, sigma_bar: float, mutation: str | None = None) -> np.ndarray:
    """Noised marginal :math:`p_t = p_0 \\otimes_i K` over :math:`(V+1)^d` (mask = ``V``)
    by summing the forward process over every clean sequence: ``K[x0, x0] =
    e^{-sigma_bar}``, ``K[x0, M] = 1 - e^{-sigma_bar}``.

    Examples
    --------
    >>> pt = absorbing_marginal(np.array([0.25, 0.75]), np.log(2.0))
    >>> pt.round(4).tolist()
    [0.125, 0.375, 0.5]
    """
    p = _as_joint(p)
    V, d = p.shape[0], p.ndim
    stay, move = math.exp(-sigma_bar), -math.expm1(-sigma_bar)
    if mutation == "mask_prob_swapped":
        stay, move = move, stay
    K = np.zeros((V, V + 1))
    K[np.arange(V), np.arange(V)] = stay
    K[:, V] = move
    out = p
    for ax in range(d):
        out = np.moveaxis(np.tensordot(out, K, axes=([ax], [0])), -1, ax)
    return out


def _masked_axis_pairs(pt: np.ndarray, i: int) -> tuple[np.ndarray, np.ndarray]:
    V = pt.shape[0] - 1
    den = np.take(pt, [V], axis=i)                       # x_t^i = M
    num = np.take(pt, np.arange(V), axis=i)              # x_t^i = v
    return num, den


def concrete_scores(p: Any, sigma_bar: float, mutation: str | None = None) -> list[np.ndarray]:
    """Concrete scores by enumeration: for each position ``i`` an array with axis ``i``
    indexing ``v`` and the other axes the rest of :math:`x_t \\in (V+1)^{d-1}`,
    holding :math:`p_t(\\hat x_t)/p_t(x_t)` (:math:`x_t^i = M`, :math:`\\hat x_t^i = v`).

    Examples
    --------
    >>> s = concrete_scores(np.array([0.25, 0.75]), np.log(2.0))[0]
    >>> s.round(4).tolist()
    [0.25, 0.75]
    """
    pt = absorbing_marginal(p, sigma_bar, mutation)
    out = []
    for i in range(pt.ndim):
        num, den = _masked_axis_pairs(pt, i)
        out.append(num / den)
    return out


def radd_scores(p: Any, sigma_bar: float, sigma: float | None = None,
                mutation: str | None = None) -> list[np.ndarray]:
    """The analytic form (Theorem 1): :math:`e^{-\\bar\\sigma}/(1 - e^{-\\bar\\sigma})`
    times the clean conditional :math:`p_0(v \\mid x_t^{\\mathrm{UM}})`, each conditional
    computed from ``p`` directly; same layout as :func:`concrete_scores`.

    ``mutation``: ``"scalar_rate"`` (the rate ``sigma`` in place of the total noise),
    ``"scalar_no_numerator"`` (:math:`1/(1 - e^{-\\bar\\sigma})`), ``"noised_conditional"``
    (the conditional of the noised data :math:`p_t(v \\mid x_t^{-i})`, normalised over
    :math:`V \\cup \\{M\\}`, in place of the clean one), ``"bare_conditional"`` (no
    scalar: the clean conditional alone).

    Examples
    --------
    >>> s = radd_scores(np.array([0.25, 0.75]), np.log(2.0))[0]
    >>> s.round(4).tolist()
    [0.25, 0.75]
    """
    p = _as_joint(p)
    V, d = p.shape[0], p.ndim
    sb = sigma_bar
    if mutation == "scalar_rate":
        if sigma is None:
            raise InvalidArgument("mutation='scalar_rate' needs the rate sigma")
        sb = sigma
    scalar = math.exp(-sb) / -math.expm1(-sb)
    if mutation == "scalar_no_numerator":
        scalar = 1.0 / -math.expm1(-sb)
    elif mutation == "bare_conditional":
        scalar = 1.0
    pt = absorbing_marginal(p, sigma_bar) if mutation == "noised_conditional" else None
    out = []
    for i in range(d):
        arr = np.empty((V + 1,) * (d - 1) + (V,))
        for rest in itertools.product(range(V + 1), repeat=d - 1):
            ctx = rest[:i] + (V,) + rest[i:]
            if pt is not None:
                col = pt[ctx[:i] + (slice(None),) + ctx[i + 1:]]
                cond = col[:V] / col.sum()
            else:
                cond = clean_conditional(p, i, ctx)
            arr[rest] = scalar * cond
        out.append(np.moveaxis(arr, -1, i))
    return out


# ---------------------------------------------------------------------------
# losses

def joint_conditionals(p: Any) -> Cond:
    """The exact clean conditionals of ``p`` as a model ``c(i, context) -> (V,)``.

    Examples
    --------
    >>> c = joint_conditionals(np.array([[0.1, 0.2], [0.3, 0.4]]))
    >>> c(0, (-1, 1)).round(4).tolist()
    [0.3333, 0.6667]
    """
    p = _as_joint(p)
    cache: dict = {}

    def c(i: int, context: tuple) -> np.ndarray:
        key = (i, tuple(int(x) if j != i else -1 for j, x in enumerate(context)))
        if key not in cache:
            cache[key] = clean_conditional(p, i, key[1])
        return cache[key]
    return c


def table_conditionals(V: int, d: int, seed: Any = 0) -> Cond:
    """An arbitrary model of the conditionals: an independent Dirichlet(1) vector for
    every (position, set of unmasked positions and their values), drawn lazily; the
    conditionals of no joint in general.

    Examples
    --------
    >>> c = table_conditionals(2, 3, seed=0)
    >>> bool(abs(c(0, (-1, 1, -1)).sum() - 1) < 1e-12)
    True
    """
    check_int("V", V, min_value=2)
    check_int("d", d, min_value=1)
    base = np.random.SeedSequence(seed if isinstance(seed, int) else 0).entropy
    cache: dict = {}

    def c(i: int, context: tuple) -> np.ndarray:
        key = (i, tuple(int(x) if (j != i and 0 <= x < V) else -1
                        for j, x in enumerate(context)))
        if key not in cache:
            code = [base, i] + [x + 1 for x in key[1]]
            cache[key] = np.random.default_rng(code).dirichlet(np.ones(V))
        return cache[key]
    return c


def _check_x(x: Sequence[int]) -> tuple:
    return tuple(int(v) for v in x)


def ao_arm_nll(c: Cond, x: Sequence[int]) -> float:
    """Any-order autoregressive NLL, the mean over all :math:`d!` orders of
    :math:`\\sum_l -\\log c(x^{\\pi(l)} \\mid x^{\\pi(<l)})`.

    Examples
    --------
    >>> p = np.array([[0.1, 0.2], [0.3, 0.4]])
    >>> round(ao_arm_nll(joint_conditionals(p), (1, 0)), 10) == round(-math.log(0.3), 10)
    True
    """
    x = _check_x(x)
    d = len(x)
    tot, n = 0.0, 0
    for perm in itertools.permutations(range(d)):
        tot += fixed_order_nll(c, x, perm)
        n += 1
    return tot / n


def fixed_order_nll(c: Cond, x: Sequence[int], order: Sequence[int]) -> float:
    """:math:`\\sum_l -\\log c(x^{\\pi(l)} \\mid x^{\\pi(<l)})` for one order ``π``."""
    x = _check_x(x)
    ctx = [-1] * len(x)
    s = 0.0
    for i in order:
        s -= math.log(c(i, tuple(ctx))[x[i]])
        ctx[i] = x[i]
    return s


def _mask_terms(c: Cond, x: tuple) -> dict[tuple, float]:
    """S(M) = sum_{i in M} -log c(x^i | x^{M^c}) for every non-empty mask set M."""
    d = len(x)
    out = {}
    for bits in itertools.product((0, 1), repeat=d):
        if not any(bits):
            continue
        ctx = tuple(-1 if b else v for b, v in zip(bits, x, strict=True))
        out[bits] = sum(-math.log(c(i, ctx)[x[i]]) for i in range(d) if bits[i])
    return out


def lambda_dce(c: Cond, x: Sequence[int], nodes: int = 16,
               mutation: str | None = None) -> float:
    """:math:`\\lambda`-DCE: :math:`\\int_0^1 \\lambda^{-1} \\mathbb E_{x_\\lambda}[\\dots]
    d\\lambda` with every mask pattern enumerated and the integral by Gauss-Legendre
    (exact: the integrand is a polynomial of degree ``d - 1`` in :math:`\\lambda`).

    ``mutation``: ``"no_inverse_lambda"`` drops the weight :math:`1/\\lambda`;
    ``"mask_prob_complement"`` masks each token with probability :math:`1 - \\lambda`.

    Examples
    --------
    >>> p = np.array([[0.1, 0.2], [0.3, 0.4]])
    >>> round(lambda_dce(joint_conditionals(p), (1, 1)), 10) == round(-math.log(0.4), 10)
    True
    """
    x = _check_x(x)
    d = len(x)
    terms = _mask_terms(c, x)
    u, w = np.polynomial.legendre.leggauss(nodes)
    lam, w = (u + 1) / 2, w / 2
    tot = 0.0
    for bits, s in terms.items():
        k = sum(bits)
        pm = 1 - lam if mutation == "mask_prob_complement" else lam
        prob = pm ** k * (1 - pm) ** (d - k)
        weight = np.ones_like(lam) if mutation == "no_inverse_lambda" else 1 / lam
        tot += float(np.sum(w * weight * prob)) * s
    return tot


def k_dce(c: Cond, x: Sequence[int], mutation: str | None = None) -> float:
    """:math:`k`-DCE: :math:`d \\, \\mathbb E_{k \\sim U\\{1..d\\}} \\frac1k \\mathbb E_{|M| = k}
    S(M)`, the mask set uniform among those of size ``k``. ``mutation="kdce_missing_d"``
    drops the factor ``d``.

    Examples
    --------
    >>> p = np.array([[0.1, 0.2], [0.3, 0.4]])
    >>> round(k_dce(joint_conditionals(p), (0, 1)), 10) == round(-math.log(0.2), 10)
    True
    """
    x = _check_x(x)
    d = len(x)
    terms = _mask_terms(c, x)
    tot = 0.0
    for bits, s in terms.items():
        k = sum(bits)
        tot += s / (k * math.comb(d, k)) / d
    return tot if mutation == "kdce_missing_d" else d * tot


def t_dse(c: Cond, x: Sequence[int], nodes: int = 16, mutation: str | None = None) -> float:
    """Denoising score entropy of the reparameterised score :math:`s(v) = c(v \\mid
    \\dots) e^{-\\bar\\sigma}/(1 - e^{-\\bar\\sigma})` under the log-linear schedule with
    :math:`\\varepsilon = 0` (:math:`\\bar\\sigma(1) = \\infty`), integrated over
    :math:`t \\in [0, 1]` by Gauss-Legendre: per masked token
    :math:`\\sigma(t)[-\\frac{\\log s(x_0^i)}{e^{\\bar\\sigma}-1} + \\sum_v s(v) + K(\\frac{1}{e^{\\bar\\sigma}-1})]`,
    :math:`K(a) = a(\\log a - 1)`. ``mutation="dse_const_dropped"`` drops the
    :math:`K` term.

    Examples
    --------
    >>> p = np.array([[0.1, 0.2], [0.3, 0.4]])
    >>> round(t_dse(joint_conditionals(p), (0, 0)), 8) == round(-math.log(0.1), 8)
    True
    """
    x = _check_x(x)
    d = len(x)
    u, w = np.polynomial.legendre.leggauss(nodes)
    t, w = (u + 1) / 2, w / 2
    sb, rate = loglinear_noise(t, eps=0.0)
    em1 = np.expm1(sb)                        # e^{sigma_bar} - 1 = t / (1 - t)
    a = 1 / em1                               # e^{-sb} / (1 - e^{-sb})
    mask_p = -np.expm1(-sb)
    tot = np.zeros_like(t)
    for bits in itertools.product((0, 1), repeat=d):
        k = sum(bits)
        if k == 0:
            continue
        ctx = tuple(-1 if b else v for b, v in zip(bits, x, strict=True))
        per = np.zeros_like(t)
        for i in range(d):
            if not bits[i]:
                continue
            ci = c(i, ctx)
            log_s = np.log(ci[x[i]]) + np.log(a)
            term = -log_s / em1 + ci.sum() * a
            if mutation != "dse_const_dropped":
                term = term + a * (np.log(a) - 1)
            per += term
        tot += mask_p ** k * np.exp(-sb) ** (d - k) * per
    return float(np.sum(w * rate * tot))


# ---------------------------------------------------------------------------
# ASSD

class AnySubsetOracle:
    """The "network": exact any-subset conditionals of ``p``; one :meth:`parallel` call
    (any number of conditionals evaluated together) counts as one network call.

    Examples
    --------
    >>> o = AnySubsetOracle(np.array([[0.1, 0.2], [0.3, 0.4]]))
    >>> [q.round(3).tolist() for q in o.parallel([(0, (-1, -1)), (1, (1, -1))])], o.calls
    ([[0.3, 0.7], [0.429, 0.571]], 1)
    """

    def __init__(self, p: Any) -> None:
        self.p = _as_joint(p)
        self.cond = joint_conditionals(self.p)
        self.calls = 0

    def parallel(self, queries: Sequence[tuple[int, tuple]]) -> list[np.ndarray]:
        """Evaluate the conditionals ``(i, context)`` in one network call."""
        self.calls += 1
        return [self.cond(i, tuple(ctx)) for i, ctx in queries]


class _RngSource:
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def choice(self, w: np.ndarray) -> int:
        cw = np.cumsum(w)
        return int(min(np.searchsorted(cw, self.rng.random() * cw[-1], side="right"),
                       len(w) - 1))

    def coin(self, a: float) -> bool:
        return bool(self.rng.random() < a)


class _Replay:
    """Replays a script of choices and opens the untried branches (exact enumeration)."""

    def __init__(self, script: list[int], stack: list[list[int]]) -> None:
        self.script, self.stack, self.taken, self.prob = script, stack, [], 1.0

    def choice(self, w: np.ndarray) -> int:
        w = np.asarray(w, dtype=float)
        total = w.sum()
        pos = len(self.taken)
        if pos < len(self.script):
            i = self.script[pos]
        else:
            opts = [j for j in range(len(w)) if w[j] > 0]
            i = opts[0]
            self.stack.extend(self.taken + [j] for j in opts[1:])
        self.taken.append(i)
        self.prob *= w[i] / total
        return i

    def coin(self, a: float) -> bool:
        a = min(max(a, 0.0), 1.0)
        return self.choice(np.array([a, 1.0 - a])) == 0


def _assd_iteration(oracle: AnySubsetOracle, order: Sequence[int], seq: list[int], n: int,
                    k: int, draft: np.ndarray | None, rs: Any, mutation: str | None) -> int:
    """One draft-and-verify round from ``n`` decoded tokens (``seq`` updated in place);
    returns the new number of decoded tokens."""
    L = len(order)
    kk = min(k, L - n)
    pos = list(order[n:n + kk])
    ctx0 = tuple(seq)
    if draft is None:                        # the AS-ARM drafts for itself: one call
        q = oracle.parallel([(j, ctx0) for j in pos])
    else:                                    # an explicit draft, not a network call
        q = [np.asarray(draft[j], float) for j in pos]
    y = [rs.choice(qj) for qj in q]
    if draft is None and n == L - 1 and mutation != "verify_last_token":
        seq[pos[0]] = y[0]                   # the draft call is exact for the last token
        return n + 1
    if mutation == "no_verification":
        for j, v in zip(pos, y, strict=True):
            seq[j] = v
        return n + kk
    queries, ctx = [], list(seq)
    for j, v in zip(pos, y, strict=True):
        queries.append((j, tuple(ctx)))
        ctx[j] = v
    ptrue = oracle.parallel(queries)
    n_check = kk - 1 if mutation == "verify_loop_off_by_one" else kk
    for j in range(kk):
        if j >= n_check:                     # left unverified: the draft is kept
            seq[pos[j]] = y[j]
            continue
        pj, qj = ptrue[j], q[j]
        ratio = (qj[y[j]] / pj[y[j]] if pj[y[j]] > 0 else np.inf) \
            if mutation == "accept_q_over_p" else pj[y[j]] / qj[y[j]]
        if rs.coin(min(1.0, ratio)):
            seq[pos[j]] = y[j]
            continue
        if mutation == "rejected_token_kept":
            seq[pos[j]] = y[j]
        else:
            res = pj if mutation == "resample_from_target" else np.maximum(pj - qj, 0.0)
            if res.sum() <= 0:               # p_j = q_j: rejection has probability 0
                res = pj
            seq[pos[j]] = rs.choice(res)
        if mutation != "no_break_after_reject":
            return n + j + 1
    return n + kk


def _check_order(order: Sequence[int], d: int) -> list[int]:
    order = [int(i) for i in order]
    if sorted(order) != list(range(d)):
        raise InvalidArgument(f"order={order!r}, expected a permutation of range({d})")
    return order


def _prepare(p: Any, order: Sequence[int], k: int, prompt: Sequence[int] | None,
             draft: Any, mutation: str | None) -> tuple:
    p = _as_joint(p)
    d = p.ndim
    order = _check_order(order, d)
    check_int("k", k, min_value=1)
    check_choice("mutation", mutation, ASSD_MUTATIONS)
    seq = [-1] * d if prompt is None else [int(v) for v in prompt]
    if len(seq) != d:
        raise InvalidArgument(f"prompt has length {len(seq)}, expected {d}")
    start = sum(v >= 0 for v in seq)
    if any(v >= 0 for v in (seq[i] for i in order[start:])) or \
            any(seq[i] < 0 for i in order[:start]):
        raise InvalidArgument(f"prompt={prompt!r} must reveal exactly the first tokens of "
                              f"order={order!r}")
    if isinstance(draft, str):
        check_choice("draft", draft, ("self", "marginals"))
        draft = None if draft == "self" else np.stack(
            [p.sum(axis=tuple(a for a in range(d) if a != i)) for i in range(d)])
    return p, order, seq, start, draft


def assd_sample(p: Any, order: Sequence[int], k: int, seed: Any = None,
                prompt: Sequence[int] | None = None, draft: Any = "self",
                mutation: str | None = None) -> tuple[tuple[int, ...], int]:
    """Run ASSD once; returns the sequence and the number of network calls.

    Parameters
    ----------
    p : array_like, shape (V,) * d
        The target joint (its conditionals are the network's).
    order : sequence of int
        The decoding order, a permutation of ``range(d)``.
    k : int
        Tokens drafted per round.
    seed : int or Generator, optional
    prompt : sequence of int, optional
        Revealed tokens (``-1`` elsewhere): exactly the first ones of ``order``.
    draft : {"self", "marginals"} or array_like (d, V)
        ``"self"``: the network drafts (the paper's default, one call per round);
        otherwise an explicit per-position draft distribution, which costs no call.
    mutation : str, optional
        One of :data:`ASSD_MUTATIONS` (planted mistakes).

    Examples
    --------
    >>> x, calls = assd_sample(random_joint(2, 4, seed=0), [0, 1, 2, 3], k=2, seed=0)
    >>> len(x), calls <= 4
    (4, True)
    """
    p, order, seq, n, draft = _prepare(p, order, k, prompt, draft, mutation)
    oracle, rs = AnySubsetOracle(p), _RngSource(as_generator(seed))
    while n < len(order):
        n = _assd_iteration(oracle, order, seq, n, k, draft, rs, mutation)
    return tuple(seq), oracle.calls


@dataclass(frozen=True)
class AssdDistribution:
    """Exact output of ASSD: ``dist`` over :math:`V^d` (C order), ``target`` the
    conditional of ``p`` given the prompt, ``max_excess_calls`` the largest
    (network calls − tokens predicted) over all positive-probability paths,
    ``expected_calls``, ``tokens`` predicted and ``n_paths`` enumerated."""

    dist: np.ndarray
    target: np.ndarray
    max_excess_calls: int
    expected_calls: float
    tokens: int
    n_paths: int

    @property
    def tv(self) -> float:
        """Total variation between the output and the target."""
        return float(np.abs(self.dist - self.target).sum() / 2)


def assd_distribution(p: Any, order: Sequence[int], k: int,
                      prompt: Sequence[int] | None = None, draft: Any = "self",
                      mutation: str | None = None) -> AssdDistribution:
    """ASSD's output distribution, exactly: every random choice of each round (drafts,
    acceptance coins, residual draws) enumerated by replaying :func:`assd_sample`'s
    round, and rounds chained by exact recursion over (decoded tokens) states.

    Examples
    --------
    >>> p = random_joint(3, 3, seed=2)
    >>> out = assd_distribution(p, [1, 2, 0], k=3, draft="marginals")
    >>> out.tv < 1e-12, out.max_excess_calls <= 0
    (True, True)
    """
    p, order, seq0, start, draft = _prepare(p, order, k, prompt, draft, mutation)
    V, d, L = p.shape[0], p.ndim, len(order)
    oracle = AnySubsetOracle(p)
    memo: dict[tuple, tuple[np.ndarray, int, float, int]] = {}

    def solve(seq: tuple, n: int) -> tuple[np.ndarray, int, float, int]:
        if n == L:
            out = np.zeros(V ** d)
            out[np.ravel_multi_index(seq, (V,) * d)] = 1.0
            return out, 0, 0.0, 1
        if seq in memo:
            return memo[seq]
        out, worst, ecalls, paths = np.zeros(V ** d), -(10 ** 9), 0.0, 0
        stack: list[list[int]] = [[]]
        while stack:
            rs = _Replay(stack.pop(), stack)
            s = list(seq)
            c0 = oracle.calls
            n2 = _assd_iteration(oracle, order, s, n, k, draft, rs, mutation)
            calls = oracle.calls - c0
            if rs.prob <= 0:
                continue
            cd, cw, ce, cp = solve(tuple(s), n2)
            out += rs.prob * cd
            worst = max(worst, calls - (n2 - n) + cw)
            ecalls += rs.prob * (calls + ce)
            paths += cp
        memo[seq] = (out, worst, ecalls, paths)
        return memo[seq]

    dist, worst, ecalls, paths = solve(tuple(seq0), start)
    mask = np.ones((V,) * d, bool)
    for i in order[:start]:
        idx = [slice(None)] * d
        keep = np.zeros(V, bool)
        keep[seq0[i]] = True
        idx[i] = ~keep
        mask[tuple(idx)] = False
    target = np.where(mask, p, 0.0).ravel()
    target = target / target.sum()
    return AssdDistribution(dist=dist, target=target, max_excess_calls=int(worst),
                            expected_calls=float(ecalls), tokens=L - start, n_paths=paths)
