"""Simulated arm pulls per second: provable's numba UCB1 against a per-step numpy loop,
and Thompson sampling against UCB1 on the same instance.

Run: ``.venv/bin/python benchmarks/learners.py [--T 1000000] [--seeds 64]``

The Python baseline (one numpy index computation per step, the way a straightforward
simulator is written) is timed on fewer steps and extrapolated per pull; both figures
are printed, with the ratio. Thompson sampling (Bernoulli: Beta(1 + S, 1 + F) draws for
every arm every round) is timed in the same run as UCB1 and the ratio UCB1/TS printed,
by wall time (``BanditResult.seconds``) and by the CPU time of the process, which is
less sensitive to other jobs on the machine.

``--reference DIR`` also times both in a subprocess that imports ``provable`` from
``DIR`` (e.g. a ``git worktree`` of an older commit; its own empty numba cache), with
``--reference-seeds`` seeds and one repetition, so an older sampler's figure comes from
the same session.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
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


def time_alg(alg: str, inst: BernoulliBandit, T: int, seeds: int, reps: int) -> tuple[float, float]:
    """Best wall time (kernel) and best process CPU time over ``reps`` runs."""
    wall = cpu = math.inf
    for _ in range(reps):
        c0 = time.process_time()
        res = simulate(alg, inst, T, seeds, checkpoints=[T])
        cpu = min(cpu, time.process_time() - c0)
        wall = min(wall, res.seconds)
    return wall, cpu


def bandit_pair(inst: BernoulliBandit, T: int, seeds: int, reps: int, label: str) -> None:
    """Time UCB1 and Thompson sampling on the same instance, interleaved, and print."""
    for alg in ("ucb1", "thompson"):
        simulate(alg, inst, 1000, 2)  # compile / load the cache
    pulls = T * seeds
    u_wall = u_cpu = t_wall = t_cpu = math.inf
    for _ in range(reps):  # interleaved, so that both see the same load
        w, c = time_alg("ucb1", inst, T, seeds, 1)
        u_wall, u_cpu = min(u_wall, w), min(u_cpu, c)
        w, c = time_alg("thompson", inst, T, seeds, 1)
        t_wall, t_cpu = min(t_wall, w), min(t_cpu, c)
    print(f"[{label}] K={inst.K} T={T} seeds={seeds}, best of {reps}: "
          f"UCB1 {pulls / u_wall:.3g} pulls/s, Thompson {pulls / t_wall:.3g} pulls/s, "
          f"UCB1/TS {t_wall / u_wall:.2f} (wall); per CPU-second UCB1 {pulls / u_cpu:.3g}, "
          f"TS {pulls / t_cpu:.3g}, UCB1/TS {t_cpu / u_cpu:.2f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--K", type=int, default=10)
    ap.add_argument("--T", type=int, default=1_000_000)
    ap.add_argument("--seeds", type=int, default=64)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--python-steps", type=int, default=100_000)
    ap.add_argument("--bandits-only", action="store_true",
                    help="only the UCB1 / Thompson pair (no per-step numpy baseline)")
    ap.add_argument("--label", default="this checkout")
    ap.add_argument("--reference", default=None,
                    help="also time UCB1 / TS with provable imported from this directory")
    ap.add_argument("--reference-seeds", type=int, default=16)
    args = ap.parse_args()
    means = np.linspace(0.3, 0.7, args.K)
    inst = BernoulliBandit(means)
    if args.bandits_only:
        bandit_pair(inst, args.T, args.seeds, args.reps, args.label)
        return
    simulate("ucb1", inst, 1000, 2)  # compile / load the cache
    best = math.inf
    for _ in range(args.reps):
        res = simulate("ucb1", inst, args.T, args.seeds, checkpoints=[args.T])
        best = min(best, res.seconds)
    pulls = args.T * args.seeds
    fast = pulls / best
    t0 = time.perf_counter()
    python_ucb1(means, args.python_steps, 0)
    py = args.python_steps / (time.perf_counter() - t0)
    print(f"UCB1 K={args.K} T={args.T} seeds={args.seeds}: {pulls:.3g} pulls in {best:.3f} s "
          f"(best of {args.reps}) -> {fast:.3g} pulls/s (numba, prange over seeds)")
    print(f"per-step numpy UCB1: {args.python_steps} steps timed -> {py:.3g} pulls/s "
          f"(extrapolated per pull to the same workload: {pulls / py:.0f} s)")
    print(f"ratio: {fast / py:.0f}x")
    bandit_pair(inst, args.T, args.seeds, args.reps, args.label)
    if args.reference:
        ref = os.path.abspath(args.reference)
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, PYTHONPATH=ref, NUMBA_CACHE_DIR=cache)
            subprocess.run([sys.executable, os.path.abspath(__file__), "--bandits-only",
                            "--K", str(args.K), "--T", str(args.T),
                            "--seeds", str(args.reference_seeds), "--reps", "1",
                            "--label", f"reference {ref}"], env=env, check=True)


if __name__ == "__main__":
    main()
