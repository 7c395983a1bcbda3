"""Coverage of the rate verdicts on planted data whose truth is known by construction.

For each planted case, ``--reps`` independent replicates (fresh noise, fresh seeds)
are judged by :func:`provable.proofs_checks.rate_verdict` and the share of *confident
wrong* verdicts is printed: ``violated`` for a true claim, ``holds`` for a false one.
The intervals are two-sided 95 % intervals, so a rule that uses one end promises at
most 2.5 % confident wrong verdicts per case; the acceptance bar is 5 %.

Cases sit where it is hardest to be right: true claims exactly on their threshold
(``tol=0``), false claims just beyond it, curves that bend (offsets, transients, sums
of powers, log factors), seeds locked onto linear regret, heavy-tailed noise and the
fewest seeds a confident verdict allows.

Run::

    python benchmarks/verdict_coverage.py            # 200 replicates per case
    python benchmarks/verdict_coverage.py --reps 500
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from provable.proofs_checks import rate_verdict

G = np.geomspace(1e2, 1e5, 7)


def lognormal(f, grid, n, sigma):
    def draw(rng):
        return f(grid) * rng.lognormal(-sigma ** 2 / 2, sigma, (n, grid.size))
    return draw


def pareto(f, grid, n, alpha):
    def draw(rng):
        return f(grid) * (rng.pareto(alpha, (n, grid.size)) + 1) * (alpha - 1) / alpha
    return draw


def lock_in(grid, n, p):
    def draw(rng):
        bad = rng.random(n) < p
        good = 5 * np.log(grid) * rng.lognormal(0, 0.1, (n, grid.size))
        lin = 0.1 * grid * rng.lognormal(0, 0.1, (n, grid.size))
        return np.where(bad[:, None], lin, good)
    return draw


T2 = np.geomspace(10, 1000, 7)
G4 = np.geomspace(1e2, 1e4, 5)

# name, grid, draw, (expected, kind, tol, polylog), claim is true, promised rate
CASES = [
    ("sqrt T, 8 seeds, O(T^0.5) on the threshold", G, lognormal(np.sqrt, G, 8, 0.3),
     (0.5, "upper", 0.0, 0.0), True),
    ("sqrt T, 8 seeds, Omega(T^0.5) on the threshold", G, lognormal(np.sqrt, G, 8, 0.3),
     (0.5, "lower", 0.0, 0.0), True),
    ("sqrt T, 16 seeds, O(T^0.45) just false", G, lognormal(np.sqrt, G, 16, 0.3),
     (0.45, "upper", 0.0, 0.0), False),
    ("sqrt T, 16 seeds, Omega(T^0.55) just false", G, lognormal(np.sqrt, G, 16, 0.3),
     (0.55, "lower", 0.0, 0.0), False),
    ("sqrt T, lognormal(1) noise, 8 seeds, O(T^0.5)", G, lognormal(np.sqrt, G, 8, 1.0),
     (0.5, "upper", 0.0, 0.0), True),
    ("sqrt T, Pareto(2.5) noise, 16 seeds, O(T^0.5)", G, pareto(np.sqrt, G, 16, 2.5),
     (0.5, "upper", 0.0, 0.0), True),
    ("sqrt T, Pareto(1.5) noise, 16 seeds, O(T^0.5)", G, pareto(np.sqrt, G, 16, 1.5),
     (0.5, "upper", 0.0, 0.0), True),
    ("1/t, 8 seeds, O(1/t) on the threshold", G, lognormal(lambda x: 1 / x, G, 8, 0.3),
     (-1.0, "upper", 0.0, 0.0), True),
    ("100 + sqrt T, 16 seeds, Omega(sqrt T)", G, lognormal(lambda x: 100 + np.sqrt(x), G, 16,
                                                          0.2),
     (0.5, "lower", 0.1, 0.0), True),
    ("100 + sqrt T, 16 seeds, Theta(sqrt T)", G, lognormal(lambda x: 100 + np.sqrt(x), G, 16,
                                                          0.2),
     (0.5, "tight", 0.1, 0.0), True),
    ("linear-then-sqrt on 10..1e3, O(sqrt T)", T2,
     lognormal(lambda x: x / (1 + np.sqrt(x / 100)), T2, 16, 0.2), (0.5, "upper", 0.1, 0.0),
     True),
    ("sqrt T + T/300 on 1e2..1e4, O(sqrt T)", G4,
     lognormal(lambda x: np.sqrt(x) + x / 300, G4, 16, 0.2), (0.5, "upper", 0.1, 0.0), False),
    ("sqrt T + T/300 on 1e2..1e5, O(sqrt T)", G,
     lognormal(lambda x: np.sqrt(x) + x / 300, G, 16, 0.2), (0.5, "upper", 0.1, 0.0), False),
    ("sqrt T log T, O(T^0.6), no polylog", G,
     lognormal(lambda x: np.sqrt(x) * np.log(x), G, 16, 0.2), (0.5, "upper", 0.1, 0.0), True),
    ("sqrt T log T, Theta(T^0.5 +- 0.02), polylog=1", G,
     lognormal(lambda x: np.sqrt(x) * np.log(x), G, 16, 0.2), (0.5, "tight", 0.02, 1.0), True),
    ("lock-in p=0.25, 16 seeds, O(sqrt T) (E[R] linear)", G, lock_in(G, 16, 0.25),
     (0.5, "upper", 0.1, 0.0), False),
    ("lock-in p=0.1, 32 seeds, O(sqrt T) (E[R] linear)", G, lock_in(G, 32, 0.1),
     (0.5, "upper", 0.1, 0.0), False),
    ("2 seeds, sqrt T, O(T^0.5)", G, lognormal(np.sqrt, G, 2, 0.3), (0.5, "upper", 0.0, 0.0),
     True),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    t0 = time.perf_counter()
    print(f"{'case':52s} {'truth':5s} {'wrong':>7s} {'right':>7s} {'inconcl.':>8s}")
    worst = 0.0
    for i, (name, grid, draw, (exp, kind, tol, poly), true) in enumerate(CASES):
        rng = np.random.default_rng([args.seed, i])
        counts = {"holds": 0, "violated": 0, "inconclusive": 0}
        for r in range(args.reps):
            v = rate_verdict(grid, draw(rng), expected=exp, kind=kind, tol=tol, var="T",
                             polylog=poly, seed=r)
            counts[v.status] += 1
        wrong = counts["violated" if true else "holds"] / args.reps
        right = counts["holds" if true else "violated"] / args.reps
        worst = max(worst, wrong)
        print(f"{name:52s} {'true' if true else 'false':5s} {wrong:7.1%} {right:7.1%} "
              f"{counts['inconclusive'] / args.reps:8.1%}")
    print(f"\nworst confident-wrong rate {worst:.1%} (promised 2.5 %, bar 5 %); "
          f"{len(CASES)} cases x {args.reps} replicates in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
