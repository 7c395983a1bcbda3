"""Simulated arm pulls per second: provable's numba UCB1 against a per-step numpy loop.

Run: ``.venv/bin/python benchmarks/learners.py [--T 1000000] [--seeds 64]``

The Python baseline (one numpy index computation per step, the way a straightforward
simulator is written) is timed on fewer steps and extrapolated per pull; both figures
are printed, with the ratio.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from provable.learners.bandits import BernoulliBandit, simulate


def python_ucb1(means: np.ndarray, T: int, seed: int) -> float:
    """Straightforward UCB1: numpy per step, numpy Generator for the rewards."""
    rng = np.random.default_rng(seed)
    K = means.size
    sums = np.zeros(K)
    cnt = np.zeros(K)
    gaps = means.max() - means
    reg = 0.0
    for t in range(T):
        if t < K:
            a = t
        else:
            a = int(np.argmax(sums / cnt + np.sqrt(2.0 * math.log(t) / cnt)))
        r = float(rng.random() < means[a])
        sums[a] += r
        cnt[a] += 1
        reg += gaps[a]
    return reg


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--K", type=int, default=10)
    ap.add_argument("--T", type=int, default=1_000_000)
    ap.add_argument("--seeds", type=int, default=64)
    ap.add_argument("--python-steps", type=int, default=100_000)
    args = ap.parse_args()
    means = np.linspace(0.3, 0.7, args.K)
    inst = BernoulliBandit(means)
    simulate("ucb1", inst, 1000, 2)  # compile / load the cache
    best = math.inf
    for _ in range(3):
        res = simulate("ucb1", inst, args.T, args.seeds, checkpoints=[args.T])
        best = min(best, res.seconds)
    pulls = args.T * args.seeds
    fast = pulls / best
    t0 = time.perf_counter()
    python_ucb1(means, args.python_steps, 0)
    py = args.python_steps / (time.perf_counter() - t0)
    print(f"UCB1 K={args.K} T={args.T} seeds={args.seeds}: {pulls:.3g} pulls in {best:.3f} s "
          f"(best of 3) -> {fast:.3g} pulls/s (numba, prange over seeds)")
    print(f"per-step numpy UCB1: {args.python_steps} steps timed -> {py:.3g} pulls/s "
          f"(extrapolated per pull to the same workload: {pulls / py:.0f} s)")
    print(f"ratio: {fast / py:.0f}x")


if __name__ == "__main__":
    main()
