r"""Exact output distribution of a masked diffusion language model's sampler.

The target is an explicit joint :math:`p` over ``L`` binary tokens (a vector of
:math:`2^L` probabilities, index bit ``i`` = token ``i``, most significant first).
A masked-diffusion sampler with ``T`` iterations unmasks a partition
:math:`G_1, \dots, G_T` of the positions: at iteration ``t`` every position of
:math:`G_t` is drawn *independently* from its exact conditional given the tokens
revealed so far, :math:`p(x_i \mid x_{G_{<t}})` (a perfect mask predictor). The
output distribution for one partition is therefore

.. math:: q_G(x) = \prod_t \prod_{i \in G_t} p(x_i \mid x_{G_{<t}}),

and the sampling error is :math:`\mathrm{KL}(p \,\|\, q_G)`. With ``T = 1`` the tokens
are drawn from their marginals and the KL is the total correlation
:math:`\sum_i H(X_i) - H(X)`; with ``T = L`` the sampler is exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from provable._validation import as_generator, check_int
from provable.errors import InvalidArgument

__all__ = ["SAMPLER_MUTATIONS", "sampler_distribution", "sampler_kl", "total_correlation", "copy_joint",
           "random_partition", "mean_sampler_kl", "markov_joint"]


def _as_joint(p: Any) -> tuple[np.ndarray, int]:
    p = np.asarray(p, dtype=float)
    L = int(round(np.log2(p.size)))
    if p.ndim != 1 or 2 ** L != p.size or L < 1:
        raise InvalidArgument(f"p has shape {p.shape}, expected a vector of 2**L probabilities")
    if (p < 0).any() or abs(p.sum() - 1) > 1e-9:
        raise InvalidArgument(f"p sums to {p.sum():.12g} with min {p.min():g}, expected a "
                              "probability vector")
    return p, L


def _kl(p: np.ndarray, q: np.ndarray) -> float:
    m = p > 0
    if (q[m] <= 0).any():
        return float("inf")
    return float(np.sum(p[m] * (np.log(p[m]) - np.log(q[m]))))


#: planted implementation mistakes of the sampler (``mutation=``), with the value that is
#: the sampler itself
SAMPLER_MUTATIONS: dict[str, tuple[int, str]] = {
    "lag": (0, "condition group t on the tokens revealed before group t - lag (1: the last "
               "revealed group is ignored)"),
    "unconditional": (0, "1: every token is drawn from its marginal, whatever is revealed"),
}


def _sampler_mutation(mutation: Any) -> tuple[int, bool]:
    from provable.errors import InvalidType

    if mutation is None:
        return 0, False
    if not isinstance(mutation, dict):
        raise InvalidType(f"mutation={mutation!r} has type {type(mutation).__name__}, expected "
                          f"a dict with keys among {sorted(SAMPLER_MUTATIONS)}")
    for k in mutation:
        if k not in SAMPLER_MUTATIONS:
            raise InvalidArgument(f"mutation key {k!r} is not known, expected one of "
                                  f"{sorted(SAMPLER_MUTATIONS)}")
    lag = check_int("mutation['lag']", mutation.get("lag", 0), min_value=0)
    unc = check_int("mutation['unconditional']", mutation.get("unconditional", 0),
                    min_value=0, max_value=1)
    return lag, bool(unc)


def sampler_distribution(p: Any, groups: Sequence[Sequence[int]],
                         mutation: dict[str, int] | None = None) -> np.ndarray:
    """Output distribution :math:`q_G` of the sampler that unmasks ``groups`` in order.

    ``mutation`` plants a mistake (see :data:`SAMPLER_MUTATIONS`); the default is the
    sampler.

    Examples
    --------
    >>> import numpy as np
    >>> p = copy_joint(3)
    >>> q = sampler_distribution(p, [[0], [1, 2]])
    >>> np.allclose(q, p)
    True
    """
    p, L = _as_joint(p)
    seen = sorted(i for g in groups for i in g)
    if seen != list(range(L)):
        raise InvalidArgument(f"groups={groups!r}, expected a partition of range({L})")
    lag, unconditional = _sampler_mutation(mutation)
    P = p.reshape((2,) * L)
    logq = np.zeros((2,) * L)
    revealed: list[int] = []
    sizes: list[int] = []
    for g in groups:
        prev = tuple(revealed)
        if lag:
            prev = tuple(revealed[:sum(sizes[:max(0, len(sizes) - lag)])])
        if unconditional:
            prev = ()
        others_prev = tuple(i for i in range(L) if i not in prev)
        mprev = P.sum(axis=others_prev, keepdims=True) if others_prev else P
        for i in g:
            keep = prev + (i,)
            others = tuple(j for j in range(L) if j not in keep)
            mjoint = P.sum(axis=others, keepdims=True) if others else P
            with np.errstate(divide="ignore", invalid="ignore"):
                cond = np.where(mprev > 0, mjoint / np.where(mprev > 0, mprev, 1.0), 0.0)
                logq = logq + np.log(np.broadcast_to(cond, logq.shape))
        revealed.extend(g)
        sizes.append(len(g))
    return np.exp(logq).ravel()


def sampler_kl(p: Any, groups: Sequence[Sequence[int]],
               mutation: dict[str, int] | None = None) -> float:
    """:math:`\\mathrm{KL}(p \\| q_G)` for the partition ``groups``."""
    p, _ = _as_joint(p)
    return _kl(p, sampler_distribution(p, groups, mutation))


def total_correlation(p: Any) -> float:
    r"""Total correlation :math:`\sum_i H(X_i) - H(X)` (nats).

    Examples
    --------
    >>> import numpy as np
    >>> round(float(total_correlation(copy_joint(4)) / np.log(2)), 12)
    3.0
    """
    p, L = _as_joint(p)
    P = p.reshape((2,) * L)
    h = -np.sum(p[p > 0] * np.log(p[p > 0]))
    hm = 0.0
    for i in range(L):
        m = P.sum(axis=tuple(j for j in range(L) if j != i))
        hm -= float(np.sum(m[m > 0] * np.log(m[m > 0])))
    return float(hm - h)


def copy_joint(L: int) -> np.ndarray:
    """All ``L`` tokens equal to one fair bit: :math:`p(0\\dots0) = p(1\\dots1) = 1/2`."""
    L = check_int("L", L, min_value=1)
    p = np.zeros(2 ** L)
    p[0] = p[-1] = 0.5
    return p


def markov_joint(L: int, flip: float, seed: Any = None) -> np.ndarray:
    """A binary Markov chain: uniform first token, each next token flips w.p. ``flip``."""
    L = check_int("L", L, min_value=1)
    x = (np.arange(2 ** L)[:, None] >> np.arange(L - 1, -1, -1)) & 1
    flips = (x[:, 1:] != x[:, :-1]).sum(axis=1)
    return 0.5 * flip ** flips * (1 - flip) ** (L - 1 - flips)


def random_partition(L: int, T: int, seed: Any = 0) -> list[list[int]]:
    """A uniformly random ordered partition of ``range(L)`` into ``T`` groups of sizes
    as equal as possible (the larger groups first)."""
    L = check_int("L", L, min_value=1)
    T = check_int("T", T, min_value=1, max_value=L)
    perm = as_generator(seed).permutation(L)
    sizes = [L // T + (1 if t < L % T else 0) for t in range(T)]
    out, i = [], 0
    for s in sizes:
        out.append(sorted(int(v) for v in perm[i:i + s]))
        i += s
    return out


def mean_sampler_kl(p: Any, T: int, n_masks: int = 64, seed: Any = 0,
                    mutation: dict[str, int] | None = None) -> float:
    r"""Average of :math:`\mathrm{KL}(p \| q_G)` over ``n_masks`` random partitions into
    ``T`` groups (an upper bound on the KL of the mask-averaged sampler, by convexity)."""
    _, L = _as_joint(p)
    rng = as_generator(seed)
    return float(np.mean([sampler_kl(p, random_partition(L, T, rng), mutation)
                          for _ in range(n_masks)]))
