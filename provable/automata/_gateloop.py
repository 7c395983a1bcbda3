r"""GateLoop: a linear recurrence with data-controlled state transitions, in its three modes.

Katsch (2023), *GateLoop: Fully Data-Controlled Linear Recurrence for Sequence Modeling*
(arXiv 2311.01927). With queries and keys :math:`q_n, k_n \in \mathbb{C}^{d_k}`, values
:math:`v_n \in \mathbb{C}^{d_v}` and state transitions (gates) :math:`a_n \in \mathbb{C}^{d_k}`,
all functions of the input at step :math:`n`, the state :math:`h_n \in \mathbb{C}^{d_k
\times d_v}` and the output :math:`y_n \in \mathbb{C}^{d_v}` are

.. math::

    h_n = a_n \odot h_{n-1} + k_n^\top v_n, \qquad y_n = q_n h_n, \qquad h_0 = 0,

(:math:`a_n` scales row :math:`i` of the state by :math:`a_{n,i}`), which unfolds to

.. math::

    y_n = \sum_{m=1}^{n} q_n \big(k_m \odot \textstyle\prod_{j=m+1}^{n} a_j\big)^\top v_m .

The three modes compute the same :math:`y`:

* ``"recurrent"``: the recurrence, step by step, :math:`O(l)` in the sequence length;
* ``"parallel"``: an inclusive scan with the associative operator
  :math:`(a_i, \kappa_i) \bullet (a_j, \kappa_j) = (a_j \odot a_i,\ a_j \odot \kappa_i +
  \kappa_j)` on :math:`(a_n, k_n^\top v_n)`, computed by the Hillis--Steele (Kogge--Stone)
  parallel scan: :math:`\lceil \log_2 l \rceil` rounds, :math:`O(l \log_2 l)` operations;
* ``"attention"``: the surrogate attention :math:`Y = (\bar Q \bar K^\top \odot M) V` with
  :math:`\bar Q_n = q_n \odot \prod_{j=1}^{n} a_j`, :math:`\bar K_m = k_m \oslash
  \prod_{j=1}^{m} a_j` and :math:`M` the causal mask (:math:`m \le n`), :math:`O(l^2)`.

The attention mode's factored form divides by the cumulative product
:math:`\prod_{j \le m} a_j`, which leaves the floating-point range on long sequences
(:math:`0.5^{1100}` is below the smallest double): the form is then numerically unusable
(``in_range`` is ``False`` in the result and the output is unreliable). The relative
form (``attention_form="relative"``) builds the same relative gates
:math:`\prod_{j=m+1}^{n} a_j` directly, one factor per diagonal of the :math:`l \times l`
matrix, with no division; it is stable for every gate and costs :math:`O(l^2 d_k)`.

Every mode counts its multiply-adds as it runs (``madds``): one unit per scalar
multiplication (or division), real or complex, with any addition accumulated into it
folded in.

Examples
--------
>>> import numpy as np
>>> from provable.automata._gateloop import gateloop
>>> rng = np.random.default_rng(0)
>>> l, dk, dv = 6, 2, 3
>>> q, k, v = rng.normal(size=(l, dk)), rng.normal(size=(l, dk)), rng.normal(size=(l, dv))
>>> a = 0.9 * np.exp(1j * rng.uniform(-np.pi, np.pi, size=(l, dk)))
>>> ys = [gateloop(q, k, v, a, mode=m).y for m in ("recurrent", "parallel", "attention")]
>>> bool(np.allclose(ys[0], ys[1]) and np.allclose(ys[0], ys[2]))
True
>>> [gateloop(q, k, v, a, mode=m).madds for m in ("recurrent", "parallel", "attention")]
[108, 160, 262]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from provable._result import RichResult
from provable._validation import check_choice
from provable.errors import InvalidArgument, InvalidType

__all__ = ["GATELOOP_MODES", "GateLoopResult", "gateloop", "gateloop_gates",
           "gateloop_madds", "gateloop_scale"]

#: the three computational modes
GATELOOP_MODES = ("recurrent", "parallel", "attention")
_FORMS = ("factored", "relative")
#: the factored attention form is trusted while every |prod_{j<=n} a_j| stays above this
#: (its inverse then stays below 1e280, far from overflow)
_RANGE = 1e-280


class GateLoopResult(RichResult):
    """Output of :func:`gateloop`.

    Attributes
    ----------
    y : ndarray (l, d_v)
        The outputs :math:`y_n` (complex when any input is complex).
    mode : str
        ``"recurrent"``, ``"parallel"`` or ``"attention"``.
    form : str or None
        The attention form (``"factored"`` or ``"relative"``); ``None`` for the other modes.
    madds : int
        Multiply-adds performed, counted as the mode ran.
    in_range : bool
        ``False`` when the factored attention form's cumulative products left the
        floating-point range (then ``y`` is unreliable); ``True`` otherwise.
    """

    _fields = ("y", "mode", "form", "madds", "in_range")


def _as_array(name: str, x: Any) -> np.ndarray:
    if x is None or isinstance(x, (str, bytes, dict, set)):
        raise InvalidType(f"{name} has type {type(x).__name__}, expected a 2-D numeric array")
    arr = np.asarray(x)
    if arr.dtype.kind not in "biufc":
        raise InvalidType(f"{name} has dtype {arr.dtype}, expected real or complex numbers")
    if arr.ndim != 2:
        raise InvalidArgument(f"{name} has shape {arr.shape}, expected (l, d), a 2-D array")
    arr = arr.astype(np.complex128 if arr.dtype.kind == "c" else np.float64)
    if not np.all(np.isfinite(arr)):
        raise InvalidArgument(f"{name} has non-finite entries, expected finite numbers")
    return arr


def _check(q: Any, k: Any, v: Any, a: Any) -> tuple[np.ndarray, ...]:
    q, k, v, a = (_as_array(n, x) for n, x in (("q", q), ("k", k), ("v", v), ("a", a)))
    l, dk = k.shape
    if l == 0:
        raise InvalidArgument("k has shape (0, ...), expected a sequence of length l >= 1")
    for name, x, shape in (("q", q, (l, dk)), ("a", a, (l, dk)), ("v", v, (l, v.shape[1]))):
        if x.shape != shape:
            raise InvalidArgument(f"{name} has shape {x.shape}, expected {shape} "
                                  f"(k has shape {k.shape})")
    if v.shape[1] == 0 or dk == 0:
        raise InvalidArgument(f"k has shape {k.shape} and v {v.shape}, expected d_k, d_v >= 1")
    return q, k, v, a


# ---------------------------------------------------------------------------
# back ends: plain (y, madds[, in_range]) tuples. ``mutation`` plants a mistake (claims'
# mutant batteries); None is the algorithm.

def _recurrent(q: np.ndarray, k: np.ndarray, v: np.ndarray, a: np.ndarray,
               mutation: str | None = None) -> tuple[np.ndarray, int]:
    """h_n = a_n (.) h_{n-1} + k_n^T v_n, y_n = q_n h_n, one step at a time."""
    l, dk = k.shape
    dv = v.shape[1]
    dtype = np.result_type(q, k, v, a)
    h = np.zeros((dk, dv), dtype)
    y = np.empty((l, dv), dtype)
    madds = 0
    if mutation == "resum_history":   # the state forgotten: the history re-summed each step
        for n in range(l):
            # prod_{j=m+1}^{n} a_j for m = 0..n (1 for m = n), a reversed cumulative product
            rel = np.vstack([np.cumprod(a[n:0:-1], axis=0)[::-1], np.ones((1, dk))])
            madds += max(n - 1, 0) * dk
            kw = k[: n + 1] * rel
            madds += (n + 1) * dk
            hn = kw.T @ v[: n + 1]
            madds += (n + 1) * dk * dv
            y[n] = q[n] @ hn
            madds += dk * dv
        return y, madds
    for n in range(l):
        if mutation == "gate_after_input":      # a_n (.) (h_{n-1} + k_n^T v_n)
            h = a[n][:, None] * (h + np.outer(k[n], v[n]))
        else:
            h = a[n][:, None] * h + np.outer(k[n], v[n])
        madds += 2 * dk * dv
        y[n] = q[n] @ h
        madds += dk * dv
    return y, madds


def _parallel(q: np.ndarray, k: np.ndarray, v: np.ndarray, a: np.ndarray,
              mutation: str | None = None) -> tuple[np.ndarray, int]:
    """Inclusive Hillis-Steele scan of (a_n, k_n^T v_n) under
    (a_i, K_i) . (a_j, K_j) = (a_j a_i, a_j K_i + K_j), then y_n = q_n K_n."""
    l, dk = k.shape
    dv = v.shape[1]
    A = a.copy()
    K = k[:, :, None] * v[:, None, :]
    madds = l * dk * dv
    if mutation == "per_output_reduction":   # every prefix reduced on its own (no sharing)
        out = np.empty(K.shape, np.result_type(K, A))
        for n in range(l):
            An, Kn = A[: n + 1].copy(), K[: n + 1].copy()
            while An.shape[0] > 1:            # a balanced tree over the prefix
                m = An.shape[0] // 2
                left_a, left_k = An[0:2 * m:2], Kn[0:2 * m:2]
                right_a, right_k = An[1:2 * m:2], Kn[1:2 * m:2]
                na, nk = right_a * left_a, right_a[:, :, None] * left_k + right_k
                madds += m * (dk + dk * dv)
                if An.shape[0] % 2:
                    na, nk = np.vstack([na, An[-1:]]), np.concatenate([nk, Kn[-1:]])
                An, Kn = na, nk
            out[n] = Kn[0]
        K = out
    else:
        s, r = 1, 1
        while s < l:
            Ai, Ki = A[:-s], K[:-s]            # the earlier element i = n - s
            Aj, Kj = A[s:], K[s:]              # the later element j = n
            if mutation == "operator_reversed":   # the earlier gate applied to the later input
                newA, newK = Ai * Aj, Ai[:, :, None] * Kj + Ki
            else:
                newA, newK = Aj * Ai, Aj[:, :, None] * Ki + Kj
            madds += (l - s) * (dk + dk * dv)
            if mutation == "identity_padding":    # the first s combined with (1, 0) as well
                padA, padK = A[:s] * np.ones_like(A[:s]), A[:s, :, None] * np.zeros_like(K[:s])
                madds += s * (dk + dk * dv)
                A = np.concatenate([padA, newA])
                K = np.concatenate([padK + K[:s], newK])
            else:
                A = np.concatenate([A[:s], newA])
                K = np.concatenate([K[:s], newK])
            if mutation == "linear_offsets":      # offsets 1, 2, 3, ... instead of 1, 2, 4, ...
                r += 1
                s = r
            else:
                s *= 2
    y = np.einsum("nk,nkv->nv", q, K)
    madds += l * dk * dv
    return y, madds


def _attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, a: np.ndarray,
               form: str = "factored", mutation: str | None = None
               ) -> tuple[np.ndarray, int, bool]:
    """Y = (Qbar Kbar^T (.) M) V (factored), or the relative gates built directly."""
    l, dk = k.shape
    dv = v.shape[1]
    madds = 0
    in_range = True
    lower = 0 if mutation == "mask_off_by_one" else 1   # mask keeps m <= n (m < n: mutant)
    if form == "factored":
        P = np.cumprod(a, axis=0)                      # prod_{j<=n} a_j
        madds += (l - 1) * dk
        with np.errstate(all="ignore"):
            absP = np.abs(P)
            in_range = bool(np.all(absP >= _RANGE) and np.all(np.isfinite(P)))
            if mutation == "cumprod_missing_first":   # query side: prod_{j=2}^{n} a_j
                Pq = np.cumprod(np.vstack([np.ones((1, dk)), a[1:]]), axis=0)
                madds += (l - 1) * dk
            else:
                Pq = P
            if mutation == "conjugate_dropped":       # 1/P = conj(P)/|P|^2; conj left out
                invP = P / (absP * absP)
                madds += 2 * l * dk
            else:
                invP = 1.0 / P
                madds += l * dk
            Qb = q * Pq
            Kb = k * invP
            madds += 2 * l * dk
            S = Qb @ Kb.T                              # l x l scores, d_k each
            madds += l * l * dk
        S = np.where(np.tri(l, l, lower - 1, dtype=bool), S, 0)
        madds += l * l                                 # the mask, applied as a product
    elif form == "relative":
        # diagonal d of the relative gates, D_d[m] = prod_{j=m+1}^{m+d} a_j (row n = m + d),
        # from D_{d-1} by one more factor; y accumulated diagonal by diagonal
        dtype = np.result_type(q, k, v, a)
        y = np.zeros((l, dv), dtype)
        D = np.ones((l, dk), np.result_type(a, 1.0))
        aT = np.ascontiguousarray(a.T) if mutation == "pairwise_products" else a
        for d in range(1 - lower, l):
            if d == 0:
                s_d = np.sum(q * k, axis=1)
                madds += l * dk
            else:
                if mutation == "pairwise_products":   # every product rebuilt from scratch
                    win = np.lib.stride_tricks.sliding_window_view(aT[:, 1:], d, axis=1)
                    D = win.prod(axis=-1).T
                    madds += (l - d) * (d - 1) * dk
                else:
                    D = D[: l - d] * a[d:]
                    madds += (l - d) * dk
                s_d = np.sum(q[d:] * k[: l - d] * D, axis=1)
                madds += 2 * (l - d) * dk
            y[d:] += s_d[:, None] * v[: l - d]
            madds += (l - d) * dv
        return y, madds, in_range
    else:  # pragma: no cover - checked by the front end
        raise InvalidArgument(f"attention_form={form!r}, expected one of {_FORMS}")
    y = S @ v
    madds += l * l * dv
    return y, madds, in_range


def gateloop(q: Any, k: Any, v: Any, a: Any, *, mode: str = "recurrent",
             attention_form: str = "factored") -> GateLoopResult:
    r"""GateLoop's outputs :math:`y_n = q_n h_n`, :math:`h_n = a_n \odot h_{n-1} + k_n^\top v_n`.

    Parameters
    ----------
    q, k : array_like(float or complex, ndim=2)
        Queries and keys, shape ``(l, d_k)``.
    v : array_like(float or complex, ndim=2)
        Values, shape ``(l, d_v)``.
    a : array_like(float or complex, ndim=2)
        State transitions, shape ``(l, d_k)``; the paper's are
        :func:`gateloop_gates` (modulus in (0, 1), any phase).
    mode : {"recurrent", "parallel", "attention"}
        The computational mode (see the module docstring).
    attention_form : {"factored", "relative"}
        The attention mode's form: the paper's :math:`\bar Q \bar K^\top` with cumulative
        products and their inverses, or the relative gates built directly.

    Returns
    -------
    GateLoopResult

    Raises
    ------
    InvalidArgument
        Shapes that do not match, an empty sequence, non-finite entries.

    Examples
    --------
    Gates equal to 1 give causal linear attention, :math:`y_n = q_n \sum_{m \le n}
    k_m^\top v_m`:

    >>> import numpy as np
    >>> q = k = v = np.ones((3, 1))
    >>> gateloop(q, k, v, np.ones((3, 1)), mode="parallel").y.ravel().tolist()
    [1.0, 2.0, 3.0]
    >>> gateloop(q, k, v, np.full((3, 1), 0.5), mode="attention").y.ravel().tolist()
    [1.0, 1.5, 1.75]
    """
    check_choice("mode", mode, GATELOOP_MODES)
    check_choice("attention_form", attention_form, _FORMS)
    q, k, v, a = _check(q, k, v, a)
    if mode == "recurrent":
        y, madds = _recurrent(q, k, v, a)
        return GateLoopResult(y=y, mode=mode, form=None, madds=madds, in_range=True)
    if mode == "parallel":
        y, madds = _parallel(q, k, v, a)
        return GateLoopResult(y=y, mode=mode, form=None, madds=madds, in_range=True)
    y, madds, ok = _attention(q, k, v, a, form=attention_form)
    return GateLoopResult(y=y, mode=mode, form=attention_form, madds=madds, in_range=ok)


def gateloop_gates(magnitude: Any, phase: Any = None) -> np.ndarray:
    r"""The paper's state transitions :math:`a = \sigma(r)\, e^{i\theta}` from
    pre-activations (sigmoid for the magnitude, identity for the phase).

    Parameters
    ----------
    magnitude : array_like(float)
        Magnitude pre-activations :math:`r`.
    phase : array_like(float), optional
        Phases :math:`\theta`; ``None`` gives the real gates :math:`\sigma(r)`.

    Returns
    -------
    ndarray
        Real when ``phase`` is ``None``, else complex.

    Examples
    --------
    >>> gateloop_gates([0.0, -800.0]).tolist()
    [0.5, 0.0]
    >>> import numpy as np
    >>> bool(np.isclose(gateloop_gates([0.0], [np.pi / 2])[0], 0.5j))
    True
    """
    r = np.asarray(magnitude, float)
    with np.errstate(over="ignore"):
        m = 1.0 / (1.0 + np.exp(-r))
    if phase is None:
        return m
    return m * np.exp(1j * np.asarray(phase, float))


def gateloop_scale(q: Any, k: Any, v: Any, a: Any) -> np.ndarray:
    r"""The scale of each output, :math:`|q_n| \sum_{m \le n} (|k_m| \odot \prod_{j=m+1}^{n}
    |a_j|)^\top |v_m|` (the recurrence on absolute values): the natural denominator of a
    relative error of :math:`y_n`, since rounding errors of every mode are bounded by a
    small multiple of it.

    Examples
    --------
    >>> import numpy as np
    >>> gateloop_scale([[1.0], [1.0]], [[1.0], [-1.0]], [[1.0], [1.0]], [[0.5], [0.5]]).ravel().tolist()
    [1.0, 1.5]
    """
    q, k, v, a = _check(q, k, v, a)
    y, _ = _recurrent(np.abs(q), np.abs(k), np.abs(v), np.abs(a))
    return y


def gateloop_madds(mode: str, l: int, d_k: int, d_v: int,  # noqa: E741 - the paper's symbol
                   attention_form: str = "factored") -> int:
    r"""Multiply-adds of a mode in closed form (what :func:`gateloop` counts as it runs).

    * recurrent: :math:`3\, l\, d_k d_v`;
    * parallel: :math:`2\, l\, d_k d_v + (d_k + d_k d_v) \sum_{r=0}^{R-1} (l - 2^r)`,
      :math:`R = \lceil \log_2 l \rceil`;
    * attention (factored): :math:`l^2 (d_k + d_v + 1) + (4l - 1) d_k`;
    * attention (relative): :math:`3\, l(l-1) d_k / 2 + l\, d_k + l(l+1) d_v / 2`.

    Examples
    --------
    >>> [gateloop_madds(m, 1024, 1, 1) for m in GATELOOP_MODES]
    [3072, 20482, 3149823]
    """
    check_choice("mode", mode, GATELOOP_MODES)
    check_choice("attention_form", attention_form, _FORMS)
    if mode == "recurrent":
        return 3 * l * d_k * d_v
    if mode == "parallel":
        total, s = 2 * l * d_k * d_v, 1
        while s < l:
            total += (l - s) * (d_k + d_k * d_v)
            s *= 2
        return total
    if attention_form == "factored":
        return l * l * (d_k + d_v + 1) + (4 * l - 1) * d_k
    return 3 * l * (l - 1) // 2 * d_k + l * d_k + l * (l + 1) // 2 * d_v
