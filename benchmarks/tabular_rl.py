"""Episodes per second of UCBVI: numba kernel (vectorised over seeds) against a direct
Python implementation (per-step loop, numpy per planning step), same run, same machine.

The Python version is timed on fewer episodes and seeds and extrapolated linearly (its
cost per episode is constant: planning is O(H S^2 A) whatever the counts).

Usage: python benchmarks/tabular_rl.py [--K 10000] [--seeds 16] [--py-episodes 300]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

import provable as pv
from provable.learners.tabular_rl import run_episodes


def python_ucbvi(mdp, K: int, seed: int, c: float = 0.1, delta: float = 0.1) -> np.ndarray:
    """Direct UCBVI-CH (Azar et al. 2017): numpy per planning step, Python per env step."""
    H, S, A = mdp.horizon, mdp.S, mdp.A
    P = np.asarray(mdp.P_at(0)).reshape(S, A, S)
    R = mdp.R_at(0)
    rng = np.random.default_rng(seed)
    L = math.log(5 * S * A * K * H / delta)
    n_sas = np.zeros((S, A, S))
    Q = np.tile(np.arange(H, 0, -1, dtype=float)[:, None, None], (1, S, A))
    vstar = pv.solvers.backward_induction(mdp).V[0, 0]
    regret = np.empty(K)
    for k in range(K):
        n_sa = n_sas.sum(axis=2)
        V = np.zeros(S)
        pi = np.zeros((H, S), dtype=int)
        for h in range(H - 1, -1, -1):
            with np.errstate(invalid="ignore", divide="ignore"):
                pv_ = (n_sas @ V) / n_sa
                bonus = c * 7 * H * L / np.sqrt(n_sa)
            q = np.where(n_sa > 0, R + pv_ + bonus, H - h)
            Q[h] = np.minimum(np.minimum(Q[h], q), H - h)
            pi[h] = Q[h].argmax(axis=1)
            V = Q[h].max(axis=1)
        Vpi = np.zeros(S)
        for h in range(H - 1, -1, -1):
            Vpi = R[np.arange(S), pi[h]] + P[np.arange(S), pi[h]] @ Vpi
        regret[k] = vstar - Vpi[0]
        s = 0
        for h in range(H):
            a = pi[h, s]
            y = rng.choice(S, p=P[s, a])
            n_sas[s, a, y] += 1
            s = y
    return regret


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--S", type=int, default=20)
    ap.add_argument("--A", type=int, default=4)
    ap.add_argument("--H", type=int, default=10)
    ap.add_argument("--K", type=int, default=10_000)
    ap.add_argument("--seeds", type=int, default=16)
    ap.add_argument("--py-episodes", type=int, default=300)
    ap.add_argument("--py-seeds", type=int, default=2)
    args = ap.parse_args()
    mdp = pv.mdp.random_mdp(args.S, args.A, gamma=None, seed=0).with_horizon(args.H)
    run_episodes("ucbvi_h", mdp, K=5, seeds=1, c=0.1)  # compile (or load the cache)
    t0 = time.perf_counter()
    res = run_episodes("ucbvi_h", mdp, K=args.K, seeds=args.seeds, c=0.1)
    t_nb = time.perf_counter() - t0
    eps_nb = args.K * args.seeds / t_nb
    t0 = time.perf_counter()
    for s in range(args.py_seeds):
        python_ucbvi(mdp, args.py_episodes, s)
    t_py = time.perf_counter() - t0
    eps_py = args.py_episodes * args.py_seeds / t_py
    print(f"UCBVI-CH S={args.S} A={args.A} H={args.H}")
    print(f"numba : {args.K} episodes x {args.seeds} seeds in {t_nb:.2f} s -> "
          f"{eps_nb:,.0f} episodes/s (mean final regret {res.cumulative_regret[:, -1].mean():.1f})")
    print(f"python: {args.py_episodes} episodes x {args.py_seeds} seeds in {t_py:.2f} s -> "
          f"{eps_py:,.0f} episodes/s; extrapolated to {args.K} x {args.seeds}: "
          f"{args.K * args.seeds / eps_py:.0f} s")
    print(f"speed-up: {eps_nb / eps_py:.1f}x")


if __name__ == "__main__":
    main()
