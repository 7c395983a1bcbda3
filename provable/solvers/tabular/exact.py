"""Exact V* in rational arithmetic (policy iteration over ``fractions.Fraction``).

Each float of P, R and gamma is converted to the rational number it represents exactly
(``Fraction(float)`` is exact), so the answer is about the model as stored, rows summing
to ``1 +- tol`` included. With ``max_denominator``, models typed as decimals such as
0.1 or 1/3 are read as those fractions instead, but only where the fraction rounds back
to the very float that is stored; any entry it would change (0.95 read as 9/10) is
refused, naming the entry. Policy iteration then runs with exact linear solves (FLINT's, with python-flint
installed, or Gauss-Jordan over Fractions) and strict improvement, so the answer
is the exact optimal value of that rational MDP. Starting from the float solution,
it usually needs one evaluation and one verification.
"""

from __future__ import annotations

import time
from fractions import Fraction
from typing import Any

import numpy as np

from provable._validation import check_choice, check_int
from provable.errors import InvalidArgument, NotSupported
from provable.mdp._tabular import TabularMDP
from provable.solvers._result import SolveResult
from provable.solvers.tabular.value_iteration import _check_discounted

__all__ = ["exact_solve", "rational_solve"]


def rational_solve(M: list[list[Fraction]], b: list[Fraction]) -> list[Fraction]:
    """Solve ``M x = b`` exactly by Gauss-Jordan elimination with Fractions."""
    n = len(b)
    A = [row[:] + [b[i]] for i, row in enumerate(M)]
    for col in range(n):
        piv = next((i for i in range(col, n) if A[i][col] != 0), None)
        if piv is None:
            raise ZeroDivisionError("singular system")
        A[col], A[piv] = A[piv], A[col]
        p = A[col][col]
        rowc = [v / p for v in A[col]]
        A[col] = rowc
        for i in range(n):
            if i != col and A[i][col] != 0:
                f = A[i][col]
                Ai = A[i]
                A[i] = [Ai[j] - f * rowc[j] for j in range(n + 1)]
    return [A[i][n] for i in range(n)]


def _flint() -> Any:
    try:
        import flint
    except ImportError:
        return None
    return flint


def _flint_evaluation(rows: list[list[dict[int, Fraction]]], R: list[list[Fraction]],
                      g: Fraction, S: int, A: int) -> Any:
    """``evaluate(pi) -> (V, Q)`` in FLINT's exact rationals, returned as Fractions:
    V solves ``(I - g P_pi) V = r_pi``; ``Q = R + g P V`` as one exact matrix product."""
    flint = _flint()

    def fq(x: Fraction) -> Any:
        return flint.fmpq(x.numerator, x.denominator)

    gq = fq(g)
    Pq = flint.fmpq_mat(S * A, S)
    for s in range(S):
        for a in range(A):
            for j, p in rows[s][a].items():
                Pq[s * A + a, j] = fq(p)
    Rq = flint.fmpq_mat(S * A, 1, [fq(R[s][a]) for s in range(S) for a in range(A)])

    def evaluate(pi: list[int]) -> tuple[list[Fraction], list[list[Fraction]]]:
        M = flint.fmpq_mat(S, S)
        for s in range(S):
            M[s, s] = 1
            for j, p in rows[s][pi[s]].items():
                M[s, j] = M[s, j] - gq * fq(p)
        b = flint.fmpq_mat(S, 1, [fq(R[s][pi[s]]) for s in range(S)])
        Vq = M.solve(b)
        Qq = Rq + (Pq * Vq) * gq
        V = [Fraction(int(Vq[i, 0].p), int(Vq[i, 0].q)) for i in range(S)]
        Q = [[Fraction(int(Qq[s * A + a, 0].p), int(Qq[s * A + a, 0].q)) for a in range(A)]
             for s in range(S)]
        return V, Q

    return evaluate


def exact_solve(mdp: TabularMDP, *, max_denominator: int | None = None,
                max_iter: int = 1000, max_states: int | None = None,
                backend: str = "auto") -> SolveResult:
    """Exact optimal values of a discounted MDP.

    Each policy evaluation is an exact rational linear solve. With ``backend="flint"``
    (the default when ``python-flint`` is installed: ``pip install python-flint``) it is
    FLINT's solver over the rationals, and every backup is exact rational arithmetic in
    C; the solution of a float model has denominators of tens of thousands of bits at
    S = 1000 (about 5 s at S = 300 and 2 minutes at S = 1000 for a sparse model with 5
    successors a row, on 2 cores). ``backend="fractions"`` is Gauss-Jordan elimination
    over :class:`fractions.Fraction`, which grows like ``S^4.5`` (0.2 s at S=20, 2.6 s
    at 40, 60 s at 80). MDPs with more than ``max_states`` states (default 1000 with
    FLINT, 100 without) are refused with an error rather than left to run for hours;
    raise ``max_states`` to insist. For large MDPs use a certified float solver
    (``value_iteration``, ``policy_iteration``), whose ``error_bound`` is rigorous.

    Returns
    -------
    SolveResult
        ``V_exact`` holds the Fractions; ``V`` their nearest floats; ``error_bound``
        is the float rounding of ``V`` (half an ulp of the largest value); with
        ``max_denominator`` at least the float model's a-posteriori certificate, so it
        bounds ``|V - V*|`` for the stored floats and for the fractions alike.

    Examples
    --------
    >>> import numpy as np, provable as pv
    >>> P = np.array([[[1.0]]]); R = np.array([[1.0]])
    >>> res = pv.solvers.exact_solve(pv.TabularMDP(P, R, gamma=0.5))
    >>> res.V_exact[0]
    Fraction(2, 1)
    """
    _check_discounted(mdp, "exact_solve")
    if max_denominator is not None:
        check_int("max_denominator", max_denominator, min_value=1)
    max_iter = check_int("max_iter", max_iter, min_value=1)
    check_choice("backend", backend, ("auto", "flint", "fractions"))
    if backend == "auto":
        backend = "flint" if _flint() is not None else "fractions"
    elif backend == "flint" and _flint() is None:
        raise NotSupported("exact_solve(backend='flint') needs python-flint "
                           "(pip install python-flint)")
    if max_states is None:
        max_states = 1000 if backend == "flint" else 100
    max_states = check_int("max_states", max_states, min_value=1)
    if mdp.S > max_states:
        cost = ("about 2 minutes at S=1000 with FLINT" if backend == "flint" else
                "S^4.5 with fractions: 60 s at S=80; python-flint reaches S=1000")
        raise InvalidArgument(
            f"exact_solve: the MDP has S={mdp.S} states, more than max_states={max_states}; "
            f"exact rational arithmetic is expensive ({cost}). Use a certified float "
            "solver (value_iteration, policy_iteration) or pass a larger max_states")
    t0 = time.perf_counter()

    def q(x: float, name: str) -> Fraction:
        f = Fraction(float(x))
        if not max_denominator:
            return f
        g = f.limit_denominator(max_denominator)
        if g != f and float(g) != float(x):
            raise InvalidArgument(
                f"max_denominator={max_denominator} would change {name}={float(x)!r} to "
                f"{g} (= {float(g)!r}), expected every entry to round back to its stored "
                "float; exact_solve solves the model as stored (omit max_denominator, or "
                "store the fractions' nearest floats)")
        return g

    S, A = mdp.S, mdp.A
    Pd = mdp.dense_P()
    g = q(mdp.gamma, "gamma")
    rows: list[list[dict[int, Fraction]]] = [
        [{int(j): q(Pd[s, a, j], f"P[{s}, {a}, {int(j)}]") for j in np.flatnonzero(Pd[s, a])}
         for a in range(A)]
        for s in range(S)]
    R = [[q(mdp.R[s, a], f"R[{s}, {a}]") for a in range(A)] for s in range(S)]
    top = max((sum(row.values(), Fraction(0)), s, a) for s in range(S)
              for a, row in enumerate(rows[s]))
    if g * top[0] >= 1:
        from provable.errors import InvalidModel

        raise InvalidModel(f"gamma={float(g)!r} times the sum of row P[{top[1]}, {top[2]}, :] "
                           f"({float(top[0])!r}) is >= 1, expected < 1: the Bellman operator "
                           "is not a contraction and V* need not exist")
    from provable.solvers.tabular.policy_iteration import policy_iteration

    pi = [int(a) for a in policy_iteration(mdp).policy]
    zero, one = Fraction(0), Fraction(1)
    evaluate = _flint_evaluation(rows, R, g, S, A) if backend == "flint" else None
    for it in range(1, max_iter + 1):
        if evaluate is not None:
            V, Q = evaluate(pi)
        else:
            M = [[(one if s == j else zero) - g * rows[s][pi[s]].get(j, zero)
                  for j in range(S)] for s in range(S)]
            V = rational_solve(M, [R[s][pi[s]] for s in range(S)])
            Q = [[R[s][a] + g * sum(p * V[j] for j, p in rows[s][a].items())
                  for a in range(A)] for s in range(S)]
        changed = False
        for s in range(S):
            best = max(range(A), key=lambda a, s=s: Q[s][a])
            if Q[s][best] > Q[s][pi[s]]:
                pi[s] = best
                changed = True
        if not changed:
            break
    Vf = np.array([float(v) for v in V])
    Qf = np.array([[float(v) for v in row] for row in Q])
    # each float(v) is within half an ulp of v (ulp at most that of the largest |V|);
    # with max_denominator the rational model can differ from the stored floats by
    # rounding, so the float model's certificate is taken too (the larger counts)
    ulp = float(np.spacing(np.abs(Vf).max(initial=1.0)))
    bound = ulp / 2
    if max_denominator:
        from provable.solvers._common import bellman_certificate

        bound = max(bound, bellman_certificate(mdp, Vf).bound)
    return SolveResult(V=Vf, Q=Qf, policy=np.array(pi, dtype=np.int64), iterations=it,
                       error_bound=float(bound), converged=not changed, method="exact",
                       backend=backend, seconds=time.perf_counter() - t0,
                       message="exact rational policy iteration; no action improves strictly",
                       V_exact=np.array(V, dtype=object),
                       Q_exact=np.array(Q, dtype=object))
