r"""Best-of-N versus KL-constrained RL on a memoryless language model with a linear reward
(Mroueh et al., "Asymptotics of Language Model Alignment").

A sequence :math:`y = (y_1,\dots,y_n)` of i.i.d. tokens from :math:`p` gets the reward
:math:`R(y) = \sum_i w_{y_i}` with integer weights. The KL-constrained RL optimum under
:math:`\mathrm{KL}(\phi\|p^{\otimes n})\le n\Delta` is the per-token exponential tilt
:math:`q_\lambda\propto p\,e^{\lambda w}` with :math:`\mathrm{KL}(q_\lambda\|p)=\Delta`.
Best-of-:math:`N` with :math:`N = e^{n\Delta}` is computed exactly: the law of :math:`R` is
the :math:`n`-fold convolution of the token law, kept in log space, and
:math:`E[\max] = \sum_{k} (1 - F(k)^N)` with :math:`F(k)^N = \exp(-N(-\log F(k)))`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import logsumexp

from provable._validation import check_int, check_real
from provable.errors import InvalidArgument
from provable.learners.alignment._closed_forms import _check_dist, kl_constrained_tilt

__all__ = ["bon_vs_klrl_memoryless"]


def _log_tails(lp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log P(R <= k) and log P(R > k) for a log-pmf on 0..K."""
    logF = np.logaddexp.accumulate(lp)
    rev = np.logaddexp.accumulate(lp[::-1])[::-1]          # log P(R >= k)
    logS = np.concatenate([rev[1:], [-np.inf]])             # log P(R > k)
    return logF, logS


def _bon_mean(lp: np.ndarray, logN: float) -> float:
    logF, logS = _log_tails(lp)
    K = lp.size - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(logF > -0.5, -np.log1p(-np.exp(logS)), -logF)   # -log F(k) >= 0
        lx = np.log(x[:K])
    return float(np.sum(-np.expm1(-np.exp(logN + lx))))


def bon_vs_klrl_memoryless(p: Any, w: Any, ns: Any, delta: float, *,
                           log_n_scale: float = 1.0, budget_scale: float = 1.0
                           ) -> dict[str, np.ndarray]:
    r"""Per-token rewards of KL-constrained RL and of best-of-N on sequences of length n.

    Parameters
    ----------
    p : array_like(float, ndim=1)
        Token distribution (full support).
    w : array_like(int, ndim=1)
        Non-negative integer token rewards.
    ns : array_like(int)
        Sequence lengths (increasing).
    delta : float
        Per-token KL budget :math:`\Delta`.
    log_n_scale : float
        Use :math:`N = e^{c\,n\Delta}` (``c=1`` is the matched best-of-N; other values give
        mismatched baselines).
    budget_scale : float
        Solve KL-RL with the budget :math:`c\,\Delta` (1 is the matched problem; other
        values plant a mismatch).

    Returns
    -------
    dict
        ``n``, ``klrl`` (:math:`E_{q_\lambda}[w]`, the same for every n), ``bon``
        (:math:`E[\max]/n`), ``gap`` (``klrl - bon``), ``lam``.

    Examples
    --------
    >>> out = bon_vs_klrl_memoryless([0.4, 0.3, 0.2, 0.1], [0, 1, 2, 3], [20, 200], 0.1)
    >>> bool(abs(out["gap"][1]) < abs(out["gap"][0]))
    True
    """
    p = _check_dist("p", p, full_support=True)
    w = np.asarray(w)
    if w.shape != p.shape or not np.issubdtype(w.dtype, np.integer) or np.any(w < 0):
        raise InvalidArgument(f"w={w!r}, expected {p.size} non-negative integers")
    delta = check_real("delta", delta, lower=0.0, lower_open=True)
    log_n_scale = check_real("log_n_scale", log_n_scale, lower=0.0, lower_open=True)
    ns = np.asarray(ns).reshape(-1)
    if ns.size < 1 or np.any(np.diff(ns) <= 0):
        raise InvalidArgument(f"ns={ns!r}, expected increasing sequence lengths")
    nmax = check_int("max(ns)", int(ns.max()), min_value=1)
    if ns.min() < 1:
        raise InvalidArgument(f"ns={ns!r}, expected lengths >= 1")
    budget_scale = check_real("budget_scale", budget_scale, lower=0.0, lower_open=True)
    q, lam = kl_constrained_tilt(p, w.astype(float),
                                 delta if budget_scale == 1.0 else budget_scale * delta)
    klrl = float(q @ w)
    wmax = int(w.max())
    lpt = np.log(p)
    lp = np.full(nmax * wmax + 1, -np.inf)
    lp[0] = 0.0
    want = set(int(v) for v in ns)
    bon = []
    for k in range(1, nmax + 1):
        top = (k - 1) * wmax
        new = np.full(lp.size, -np.inf)
        for a in range(p.size):
            new[w[a]: w[a] + top + 1] = np.logaddexp(new[w[a]: w[a] + top + 1],
                                                    lp[: top + 1] + lpt[a])
        lp = new
        if k in want:
            cur = lp[: k * wmax + 1]
            cur = cur - logsumexp(cur)
            bon.append(_bon_mean(cur, log_n_scale * k * delta) / k)
    bon = np.array(bon)
    return {"n": ns.astype(float), "klrl": np.full(ns.size, klrl), "bon": bon,
            "gap": klrl - bon, "lam": lam}
