"""Gaussian elimination over the rationals: the exact reference solve shared by the
tests (written here, independently of provable's own rational solver)."""

from __future__ import annotations

from fractions import Fraction


def fsolve(M: list[list[Fraction]], b: list[Fraction]) -> list[Fraction]:
    """Solve ``M x = b`` exactly (partial pivoting on non-zeros)."""
    n = len(b)
    A = [list(row) + [bi] for row, bi in zip(M, b)]
    for c in range(n):
        p = next(r for r in range(c, n) if A[r][c] != 0)
        A[c], A[p] = A[p], A[c]
        for r in range(n):
            if r != c and A[r][c] != 0:
                f = A[r][c] / A[c][c]
                A[r] = [x - f * y for x, y in zip(A[r], A[c])]
    return [A[i][n] / A[i][i] for i in range(n)]
