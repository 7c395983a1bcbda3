"""Benchmark provable.automata against AALpy.

Prints (1) wall time and query counts of L* (Rivest–Schapire counterexample processing
on both sides) and KV on random minimal DFAs with n in {50, 200, 500}, k in {2, 10},
with exact equivalence oracles; (2) batch acceptance throughput (words/s, symbols/s) of
the numba kernel (and torch when available) against a Python loop.

    python benchmarks/automata.py            # full
    python benchmarks/automata.py --quick    # n in {50, 200}, smaller batches
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np

import provable.automata as am


def _aalpy_run(alg: str, target: am.DFA) -> tuple[float, int, int]:
    from aalpy.learning_algs import run_KV, run_Lstar
    from aalpy.oracles import PerfectKnowledgeEqOracle
    from aalpy.SULs import AutomatonSUL
    a = am.to_aalpy(target)
    alphabet = list(target.alphabet)
    sul = AutomatonSUL(a)
    eq = PerfectKnowledgeEqOracle(alphabet, sul, a)
    fn = run_Lstar if alg == "lstar" else run_KV
    t = time.perf_counter()
    hyp, info = fn(alphabet, sul, eq, "dfa", cex_processing="rs", return_data=True,
                   print_level=0)
    dt = time.perf_counter() - t
    if not am.isomorphic(am.from_aalpy(hyp, alphabet), am.minimize(target)):
        raise RuntimeError("AALpy learned a wrong model")
    return dt, info["queries_learning"], info["learning_rounds"]


def _mine_run(alg: str, target: am.DFA) -> tuple[float, int, int]:
    teacher = am.Teacher.from_dfa(target)
    t = time.perf_counter()
    res = am.lstar(teacher) if alg == "lstar" else am.kv(teacher)
    dt = time.perf_counter() - t
    if not am.isomorphic(res.model, am.minimize(target)):
        raise RuntimeError("provable learned a wrong model")
    return dt, res.membership_queries, res.equivalence_queries


def learners(ns: list[int], ks: list[int], reps: int) -> None:
    # warm-up: load the numba kernels from their on-disk cache
    am.lstar(am.Teacher.from_dfa(am.random_dfa(10, 2, seed=0)))
    am.kv(am.Teacher.from_dfa(am.random_dfa(10, 2, seed=0)))
    print("\n## Learners (exact oracle, random minimal DFAs, seed 0; "
          f"median wall time of {reps})\n")
    print("| alg | n | k | provable s | AALpy s | speed-up | provable MQ | AALpy MQ "
          "| provable EQ | AALpy EQ |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for alg in ("lstar", "kv"):
        for k in ks:
            for n in ns:
                target = am.random_dfa(n, k, seed=0)
                mine = [_mine_run(alg, target) for _ in range(reps)]
                theirs = [_aalpy_run(alg, target) for _ in range(reps)]
                tm = statistics.median(r[0] for r in mine)
                ta = statistics.median(r[0] for r in theirs)
                print(f"| {alg} | {n} | {k} | {tm:.3f} | {ta:.3f} | {ta / tm:.1f}x | "
                      f"{mine[0][1]} | {theirs[0][1]} | {mine[0][2]} | {theirs[0][2]} |",
                      flush=True)


def throughput(B: int, L: int) -> None:
    d = am.random_dfa(200, 4, seed=0)
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 4, size=(B, L))
    print(f"\n## Batch acceptance (n=200, k=4, {B} words x {L} symbols)\n")
    print("| method | words/s | symbols/s |")
    print("|---|---|---|")
    d.accepts_batch(codes[:10])
    d.accepts_batch(codes[:10], backend="numpy")
    for backend in ("numba", "numpy"):
        ts = []
        for _ in range(3):
            t = time.perf_counter()
            d.accepts_batch(codes, backend=backend)
            ts.append(time.perf_counter() - t)
        t = min(ts)
        print(f"| {backend} kernel | {B / t:.3g} | {B * L / t:.3g} |", flush=True)
    try:
        import torch
        devs = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
        for dev in devs:
            x = torch.as_tensor(codes, device=dev)
            d.accepts_batch(x[:10], device=dev)
            t = time.perf_counter()
            out = d.accepts_batch(x, device=dev)
            if dev == "cuda":
                torch.cuda.synchronize()
            t = time.perf_counter() - t
            _ = out
            print(f"| torch ({dev}) | {B / t:.3g} | {B * L / t:.3g} |", flush=True)
    except ImportError:
        pass
    # Python loop baseline on a subset
    sub = min(B, 2000)
    words = [d.alphabet.decode(c) for c in codes[:sub]]
    t = time.perf_counter()
    delta, acc = d.delta.tolist(), d.accepting.tolist()
    for w in codes[:sub].tolist():
        q = d.start
        for c in w:
            q = delta[q][c]
        _ = acc[q]
    tp = time.perf_counter() - t
    print(f"| Python loop (list table) | {sub / tp:.3g} | {sub * L / tp:.3g} |")
    t = time.perf_counter()
    for w in words:
        d.accepts(w)
    tp = time.perf_counter() - t
    print(f"| DFA.accepts per word | {sub / tp:.3g} | {sub * L / tp:.3g} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="n in {50, 200}, smaller batches")
    args = ap.parse_args()
    import aalpy  # noqa: F401  (fail early when missing)
    print(f"python {platform.python_version()}, numpy {np.__version__}")
    if args.quick:
        learners([50, 200], [2, 10], reps=1)
        throughput(20_000, 100)
    else:
        learners([50, 200, 500], [2, 10], reps=3)
        throughput(200_000, 200)


if __name__ == "__main__":
    main()
