"""Stochastic bandit instances (validated, immutable)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from provable._validation import check_int, check_real
from provable.errors import InvalidArgument, InvalidModel

__all__ = ["BanditInstance", "BernoulliBandit", "GaussianBandit", "SwitchingBandit",
           "kl_bernoulli",
           "lai_robbins_constant", "auer_ucb1_bound"]


def _as_means(means: Any) -> np.ndarray:
    mu = np.array(means, dtype=float, copy=True)
    if mu.ndim != 1:
        raise InvalidModel(f"means has shape {mu.shape}, expected a 1-D array of arm means")
    if mu.size < 2:
        raise InvalidModel(f"means has K={mu.size} arms, expected K >= 2")
    bad = ~np.isfinite(mu)
    if bad.any():
        i = int(np.argmax(bad))
        raise InvalidModel(f"means[{i}]={float(mu[i])!r} (arm {i}), expected a finite number")
    mu.setflags(write=False)
    return mu


class BanditInstance:
    """Common part of the stochastic instances: ``means``, ``K``, ``gaps``, ``best_arm``."""

    kind: str = ""
    means: np.ndarray
    scale: float = 1.0

    @property
    def K(self) -> int:
        """Number of arms."""
        return int(self.means.size)

    @property
    def best_arm(self) -> int:
        """Index of the arm with the largest mean (the lowest index on ties)."""
        return int(np.argmax(self.means))

    @property
    def gaps(self) -> np.ndarray:
        r"""Sub-optimality gaps :math:`\Delta_i = \mu^* - \mu_i` in reward units."""
        return self.scale * (self.means.max() - self.means)


class BernoulliBandit(BanditInstance):
    r"""K-armed Bernoulli bandit: arm ``i`` pays ``scale`` with probability ``means[i]``, else 0.

    Parameters
    ----------
    means : array_like(float, ndim=1)
        Success probabilities, each in [0, 1]; ``K = len(means) >= 2``.
    scale : float, default 1
        Reward scale ``L > 0`` (rewards are in ``{0, L}``); used by scale-free learners.
    block : int, default 1
        Rewards are redrawn every ``block`` rounds and constant within a block (the
        block-constant family of the delayed-bandit lower bound); 1 is the i.i.d. bandit.

    Examples
    --------
    >>> b = BernoulliBandit([0.9, 0.8, 0.5])
    >>> b.K, b.best_arm, b.gaps.round(2).tolist()
    (3, 0, [0.0, 0.1, 0.4])
    >>> BernoulliBandit([0.5, 1.2])
    Traceback (most recent call last):
    ...
    provable.errors.InvalidModel: means[1]=1.2 (arm 1), expected a probability in [0, 1]
    """

    kind = "bernoulli"

    def __init__(self, means: Any, *, scale: float = 1.0, block: int = 1) -> None:
        mu = _as_means(means)
        bad = (mu < 0) | (mu > 1)
        if bad.any():
            i = int(np.argmax(bad))
            raise InvalidModel(f"means[{i}]={float(mu[i])!r} (arm {i}), expected a probability in [0, 1]")
        self.means = mu
        self.scale = check_real("scale", scale, lower=0.0, lower_open=True)
        self.block = check_int("block", block, min_value=1)

    @classmethod
    def gap_family(cls, K: int, gap: float, *, base: float = 0.5, **kw: Any) -> BernoulliBandit:
        r"""One best arm at ``base + gap/2``, the others at ``base - gap/2`` (gap in (0, 1])."""
        check_int("K", K, min_value=2)
        check_real("gap", gap, lower=0.0, upper=1.0, lower_open=True)
        lo, hi = base - gap / 2, base + gap / 2
        if lo < 0 or hi > 1:
            raise InvalidArgument(f"gap={gap!r} with base={base!r} puts means outside [0, 1]")
        return cls([hi] + [lo] * (K - 1), **kw)

    def __repr__(self) -> str:
        extra = "" if self.scale == 1 else f", scale={self.scale:g}"
        extra += "" if self.block == 1 else f", block={self.block}"
        return f"BernoulliBandit({np.array2string(self.means, precision=4, separator=', ')}{extra})"


class SwitchingBandit(BernoulliBandit):
    r"""Bernoulli bandit whose means switch once: ``means`` for the first ``switch``
    fraction of the horizon, ``means_after`` for the rest.

    Regret is measured against the best *fixed* arm in hindsight (the adversarial
    bandit's benchmark): :math:`a^* = rg\max_a\, f\mu_a + (1 - f)\mu'_a` with
    :math:`f` = ``switch``, and a pull of arm :math:`a` costs
    :math:`\mu_{a^*} - \mu_a` before the switch and :math:`\mu'_{a^*} - \mu'_a` after it
    (either may be negative). A learner that locks onto the first phase's best arm
    pays linearly; one that weighs its estimates correctly (EXP3) does not.

    Parameters
    ----------
    means, means_after : array_like(float, ndim=1)
        Success probabilities before and after the switch (same K).
    switch : float
        Fraction of the horizon before the switch, in (0, 1).

    Examples
    --------
    >>> b = SwitchingBandit([0.9, 0.1], [0.1, 0.9], switch=0.4)
    >>> b.best_arm, b.phase_gaps()[0].tolist(), b.phase_gaps()[1].tolist()
    (1, [-0.8, 0.0], [0.8, 0.0])
    """

    kind = "switching"

    def __init__(self, means: Any, means_after: Any, *, switch: float,
                 scale: float = 1.0) -> None:
        super().__init__(means, scale=scale)
        after = BernoulliBandit(means_after, scale=scale).means
        if after.size != self.means.size:
            raise InvalidModel(f"means_after has K={after.size} arms, expected K={self.K} "
                               "(the same arms before and after the switch)")
        self.means_after = after
        self.switch = check_real("switch", switch, lower=0.0, upper=1.0, lower_open=True,
                                 upper_open=True)

    @property
    def best_arm(self) -> int:
        """The best fixed arm in hindsight."""
        f = self.switch
        return int(np.argmax(f * self.means + (1 - f) * self.means_after))

    def phase_gaps(self) -> tuple[np.ndarray, np.ndarray]:
        """Cost of each arm before and after the switch, against :attr:`best_arm`."""
        a = self.best_arm
        return (self.scale * (self.means[a] - self.means),
                self.scale * (self.means_after[a] - self.means_after))

    @property
    def gaps(self) -> np.ndarray:
        """Average cost of each arm over the horizon (``>= 0``)."""
        g1, g2 = self.phase_gaps()
        return self.switch * g1 + (1 - self.switch) * g2

    def __repr__(self) -> str:
        fmt = {"precision": 4, "separator": ", "}
        return (f"SwitchingBandit({np.array2string(self.means, **fmt)}, "
                f"{np.array2string(self.means_after, **fmt)}, switch={self.switch:g})")


class GaussianBandit(BanditInstance):
    r"""K-armed Gaussian bandit: arm ``i`` pays :math:`\mathcal N(\mu_i, \sigma^2)`.

    Parameters
    ----------
    means : array_like(float, ndim=1)
        Arm means (finite); ``K >= 2``.
    sigma : float, default 1
        Noise standard deviation, > 0 (known to the learners).

    Examples
    --------
    >>> GaussianBandit([0.0, 1.0], sigma=0.5).gaps.tolist()
    [1.0, 0.0]
    """

    kind = "gaussian"
    block = 1

    def __init__(self, means: Any, sigma: float = 1.0) -> None:
        self.means = _as_means(means)
        self.sigma = check_real("sigma", sigma, lower=0.0, lower_open=True)

    def __repr__(self) -> str:
        return (f"GaussianBandit({np.array2string(self.means, precision=4, separator=', ')}, "
                f"sigma={self.sigma:g})")


def kl_bernoulli(p: float, q: float) -> float:
    r"""Bernoulli Kullback–Leibler divergence :math:`p\log\frac pq + (1-p)\log\frac{1-p}{1-q}`.

    Examples
    --------
    >>> round(kl_bernoulli(0.8, 0.9), 6)
    0.044403
    """
    p = check_real("p", p, lower=0.0, upper=1.0)
    q = check_real("q", q, lower=0.0, upper=1.0)
    r = 0.0
    if p > 0:
        r += math.inf if q == 0 else p * math.log(p / q)
    if p < 1:
        r += math.inf if q == 1 else (1 - p) * math.log((1 - p) / (1 - q))
    return r


def lai_robbins_constant(instance: BanditInstance) -> float:
    r"""Lai–Robbins constant :math:`\sum_{\Delta_i>0} \Delta_i / \mathrm{KL}(\mu_i, \mu^*)`.

    Any consistent policy has :math:`\liminf_T R_T / \ln T` at least this constant
    (Lai & Robbins 1985); for Gaussian arms KL is :math:`\Delta^2 / (2\sigma^2)`.

    Examples
    --------
    >>> round(lai_robbins_constant(BernoulliBandit([0.9, 0.8])), 4)
    2.2521
    """
    mu = instance.means
    star = float(mu.max())
    tot = 0.0
    for m in mu:
        if m < star:
            gap = star - float(m)
            if isinstance(instance, GaussianBandit):
                kl = gap * gap / (2 * instance.sigma ** 2)
            else:
                kl = kl_bernoulli(float(m), star)
            tot += instance.scale * gap / kl
    return tot


def auer_ucb1_bound(instance: BanditInstance, T: Any, *, c: float = 8.0) -> np.ndarray:
    r"""Auer, Cesa-Bianchi & Fischer (2002), Theorem 1, for UCB1 on rewards in [0, 1]:

    .. math:: R_T \le \sum_{\Delta_i>0} \frac{c\,\ln T}{\Delta_i}
              + \Bigl(1 + \frac{\pi^2}{3}\Bigr)\sum_i \Delta_i, \qquad c = 8.

    ``c`` is exposed so that negative controls can plant a wrong constant.

    Examples
    --------
    >>> round(float(auer_ucb1_bound(BernoulliBandit([0.9, 0.8]), 1000)), 2)
    553.05
    """
    d = instance.gaps
    d = d[d > 0]
    lt = np.log(np.asarray(T, dtype=float))
    return c * lt * np.sum(1.0 / d) + (1 + math.pi ** 2 / 3) * np.sum(d)
