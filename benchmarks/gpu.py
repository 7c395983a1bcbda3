"""Batched and large-scale value iteration: torch (CPU / CUDA) against numba, same run.

Prints two tables:

1. batched VI, B MDPs with S states and A actions (default B=1000, S=50, A=5),
   gamma=0.95, tol=1e-6: wall time of :func:`provable.backends.batched.batch_value_iteration`
   per back end, and the time per sweep of the whole batch;
2. one large dense Bellman sweep (default S=10000, A=10): time per sweep for numba
   (parallel kernel) and torch, with the memory-bandwidth floor
   ``bytes(P) / bandwidth`` where the bandwidth is measured on a large array copy.

Usage::

    python benchmarks/gpu.py                       # defaults (needs ~8 GB for float64 P)
    python benchmarks/gpu.py --large-S 5000        # smaller large problem
    python benchmarks/gpu.py --device cuda         # adds the CUDA columns (GPU machine)

Timings are wall-clock medians of ``--repeat`` runs after one warm-up; they depend on
the machine and on its load.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from provable.backends.batched import batch_value_iteration  # noqa: E402


def _median_time(fn, repeat: int) -> float:
    fn()
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts))


def _bandwidth_host(nbytes: int = 1 << 30) -> float:
    a = np.ones(nbytes // 8)
    b = np.empty_like(a)
    t = _median_time(lambda: np.copyto(b, a), 3)
    return 2 * a.nbytes / t                       # read + write


def _bandwidth_torch(device: str, nbytes: int = 1 << 30) -> float:
    import torch

    a = torch.ones(nbytes // 4, dtype=torch.float32, device=device)
    b = torch.empty_like(a)

    def copy() -> None:
        b.copy_(a)
        if device.startswith("cuda"):
            torch.cuda.synchronize()

    t = _median_time(copy, 5)
    return 2 * a.numel() * 4 / t


def batched(B: int, S: int, A: int, devices: list[str], repeat: int) -> None:
    rng = np.random.default_rng(0)
    P = rng.dirichlet(np.ones(S), size=(B, S, A))
    R = rng.uniform(size=(B, S, A))
    print(f"\n## batched VI: B={B}, S={S}, A={A}, gamma=0.95, tol=1e-6 "
          f"(P: {P.nbytes / 1e6:.0f} MB float64)")
    print(f"{'backend':<32}{'seconds':>10}{'sweeps':>8}{'us/sweep/MDP':>14}{'vs numba':>10}"
          f"{'max|V-V_numba|':>16}")
    ref = batch_value_iteration(P, R, 0.95, tol=1e-6, backend="numba", validate=False)
    t_ref = _median_time(lambda: batch_value_iteration(P, R, 0.95, tol=1e-6, backend="numba",
                                                       validate=False), repeat)
    sweeps = int(ref.iterations.sum())
    print(f"{'numba (float64)':<32}{t_ref:>10.3f}{int(ref.iterations.max()):>8}"
          f"{1e6 * t_ref / sweeps:>14.2f}{1.0:>10.2f}{0.0:>16.1e}")
    for dev in devices:
        # float32 cannot certify 1e-6 at gamma=0.95 (rounding floor ~ eps32 |V| / (1-gamma))
        for dt, tol in ((np.float64, 1e-6), (np.float32, 1e-4)):
            res = batch_value_iteration(P, R, 0.95, tol=tol, backend="torch", device=dev,
                                        dtype=dt, validate=False)
            t = _median_time(lambda dev=dev, dt=dt, tol=tol: batch_value_iteration(
                P, R, 0.95, tol=tol, backend="torch", device=dev, dtype=dt, validate=False),
                repeat)
            name = f"torch {dev} ({np.dtype(dt).name}{', tol 1e-4' if tol != 1e-6 else ''})"
            print(f"{name:<32}{t:>10.3f}{int(res.iterations.max()):>8}"
                  f"{1e6 * t / sweeps:>14.2f}{t_ref / t:>10.2f}"
                  f"{np.abs(res.V - ref.V).max():>16.1e}")


def large(S: int, A: int, devices: list[str], repeat: int) -> None:
    from provable.backends._dispatch import bellman

    rng = np.random.default_rng(1)
    print(f"\n## one dense Bellman sweep: S={S}, A={A} "
          f"(P: {S * A * S * 8 / 1e9:.2f} GB float64, {S * A * S * 4 / 1e9:.2f} GB float32)")
    P2 = np.empty((S * A, S))
    for i in range(0, S * A, 1000):                       # rows of a random stochastic matrix
        blk = rng.random((min(1000, S * A - i), S))
        P2[i:i + blk.shape[0]] = blk / blk.sum(1, keepdims=True)
    r = rng.uniform(size=S * A)
    V = rng.uniform(size=S)
    bw = _bandwidth_host()
    print(f"host copy bandwidth: {bw / 1e9:.1f} GB/s; floor for one float64 sweep = "
          f"{1e3 * P2.nbytes / bw:.1f} ms, float32 = {1e3 * P2.nbytes / 2 / bw:.1f} ms")
    print(f"{'backend':<22}{'ms/sweep':>10}{'x floor':>9}")
    t = _median_time(lambda: bellman(P2, r, 0.95, V, backend="numba"), repeat)
    print(f"{'numba (float64)':<22}{1e3 * t:>10.1f}{t / (P2.nbytes / bw):>9.2f}")
    import torch

    for dev in devices:
        bwd = bw if dev == "cpu" else _bandwidth_torch(dev)
        if dev != "cpu":
            print(f"{dev} copy bandwidth: {bwd / 1e9:.0f} GB/s")
        for tdt, nb in ((torch.float64, 8), (torch.float32, 4)):
            Pt = torch.from_numpy(P2).to(device=dev, dtype=tdt)
            rt = torch.from_numpy(r).to(device=dev, dtype=tdt)
            Vt = torch.from_numpy(V).to(device=dev, dtype=tdt)

            def sweep(Pt=Pt, rt=rt, Vt=Vt, dev=dev) -> None:
                torch.max((rt + 0.95 * (Pt @ Vt)).reshape(S, A), dim=1)
                if dev.startswith("cuda"):
                    torch.cuda.synchronize()

            t = _median_time(sweep, repeat)
            floor = S * A * S * nb / bwd
            name = f"torch {dev} ({str(tdt).replace('torch.', '')})"
            print(f"{name:<22}{1e3 * t:>10.1f}{t / floor:>9.2f}")
            del Pt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--B", type=int, default=1000)
    ap.add_argument("--S", type=int, default=50)
    ap.add_argument("--A", type=int, default=5)
    ap.add_argument("--large-S", type=int, default=10000)
    ap.add_argument("--large-A", type=int, default=10)
    ap.add_argument("--device", action="append", default=None,
                    help="torch device(s); default cpu, plus cuda when available")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-large", action="store_true")
    args = ap.parse_args()
    import torch

    devices = args.device or (["cpu"] + (["cuda"] if torch.cuda.is_available() else []))
    import numba

    print(f"# provable benchmarks/gpu.py  python {platform.python_version()}, numpy "
          f"{np.__version__}, numba {numba.__version__}, torch {torch.__version__}, "
          f"{os.cpu_count()} CPUs, numba threads {numba.get_num_threads()}, "
          f"torch threads {torch.get_num_threads()}")
    if torch.cuda.is_available():
        print(f"# GPU: {torch.cuda.get_device_name(0)}")
    else:
        print("# GPU: none (torch.cuda.is_available() is False)")
    batched(args.B, args.S, args.A, devices, args.repeat)
    if not args.skip_large:
        large(args.large_S, args.large_A, devices, args.repeat)


if __name__ == "__main__":
    main()
