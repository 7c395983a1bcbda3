"""Discounted solvers against their peers: time to a solution within 1e-6 of V*.

    python benchmarks/peers.py            # dense S = 1000, 2000 and sparse S = 1e5
    python benchmarks/peers.py --quick    # dense S = 500 only (smoke run)
    python benchmarks/peers.py --sparse-S 1000000   # the S = 1e6 sparse case as well

For each model V* is computed once by an exact linear solve (LU) for the policy that
provable's policy iteration returns, and every solver's values are checked against it:
a solver whose sup-norm error exceeds 1e-6 is flagged, never silently timed. Each
solver is run with the tolerance its documentation gives for a 1e-6 answer
(provable: ``tol=1e-6`` certified; QuantEcon: ``epsilon=1e-6``, whose VI and MPI
return an ``epsilon/2``-accurate value; MDPSolver: ``tolerance=1e-6``; pymdptoolbox:
policy iteration, exact). Calls are interleaved (one of each solver, then the next
round) and the median of ``--repeat`` rounds is printed, with every figure's ratio to
the fastest provable method measured in the same run and ``auto``'s choice.

Peers that are not installed are skipped: ``pip install quantecon mdpsolver
pymdptoolbox``. MDPSolver takes its model as Python lists; its conversion is not
timed.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

import provable as pv


def _vstar(mdp: pv.TabularMDP) -> np.ndarray:
    pol = pv.solvers.policy_iteration(mdp).policy
    return pv.solvers.evaluate_policy(mdp, pol)


def _provable(mdp: pv.TabularMDP) -> dict[str, Callable[[], np.ndarray]]:
    def auto() -> np.ndarray:
        res = pv.solve(mdp, tol=1e-6)
        auto.choice = res.method  # type: ignore[attr-defined]
        return res.V

    return {
        "provable auto": auto,
        "provable VI": lambda: pv.solvers.value_iteration(mdp, tol=1e-6).V,
        "provable PI": lambda: pv.solvers.policy_iteration(mdp).V,
        "provable MPI": lambda: pv.solvers.modified_policy_iteration(mdp, tol=1e-6).V,
    }


def _quantecon(mdp: pv.TabularMDP) -> dict[str, Callable[[], np.ndarray]]:
    try:
        import quantecon as qe
    except ImportError:
        return {}
    S, A = mdp.S, mdp.A
    if mdp.sparse:
        s_idx = np.repeat(np.arange(S), A)
        a_idx = np.tile(np.arange(A), S)
        ddp = qe.markov.DiscreteDP(mdp.R.ravel(), sp.csr_matrix(mdp.P_at()), mdp.gamma,
                                   s_idx, a_idx)
    else:
        ddp = qe.markov.DiscreteDP(mdp.R, mdp.dense_P(), mdp.gamma)
    return {
        "QuantEcon VI": lambda: ddp.solve("value_iteration", epsilon=1e-6, max_iter=10**7).v,
        "QuantEcon PI": lambda: ddp.solve("policy_iteration").v,
        "QuantEcon MPI": lambda: ddp.solve("modified_policy_iteration", epsilon=1e-6,
                                           max_iter=10**7).v,
    }


def _mdpsolver(mdp: pv.TabularMDP) -> dict[str, Callable[[], np.ndarray]]:
    try:
        import mdpsolver
    except ImportError:
        return {}
    P2 = sp.csr_matrix(mdp.P_at())
    S, A = mdp.S, mdp.A
    probs = [[P2.data[P2.indptr[s * A + a]:P2.indptr[s * A + a + 1]].tolist()
              for a in range(A)] for s in range(S)]
    cols = [[P2.indices[P2.indptr[s * A + a]:P2.indptr[s * A + a + 1]].tolist()
             for a in range(A)] for s in range(S)]
    rewards = mdp.R.tolist()

    def run(alg: str) -> np.ndarray:
        m = mdpsolver.model()
        m.mdp(discount=float(mdp.gamma), rewards=rewards, tranMatProbs=probs,
              tranMatColumns=cols)
        m.solve(algorithm=alg, tolerance=1e-6, verbose=False)
        return np.asarray(m.getValueVector())

    return {"MDPSolver MPI": lambda: run("mpi"), "MDPSolver PI": lambda: run("pi")}


def _mdptoolbox(mdp: pv.TabularMDP) -> dict[str, Callable[[], np.ndarray]]:
    try:
        import mdptoolbox.mdp as tbx
    except ImportError:
        return {}
    if mdp.sparse:
        P2 = sp.csr_matrix(mdp.P_at())
        P = [P2[a::mdp.A].tocsr() for a in range(mdp.A)]
    else:
        P = [mdp.dense_P()[:, a, :] for a in range(mdp.A)]

    def run() -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pi = tbx.PolicyIteration(P, mdp.R, mdp.gamma)
            pi.run()
        return np.asarray(pi.V)

    return {"pymdptoolbox PI": run}


def bench(name: str, mdp: pv.TabularMDP, repeat: int, skip: set[str]) -> None:
    """Time every solver on ``mdp`` (interleaved) and print the table."""
    vstar = _vstar(mdp)
    solvers: dict[str, Callable[[], np.ndarray]] = {}
    for make in (_provable, _quantecon, _mdpsolver, _mdptoolbox):
        solvers.update({k: f for k, f in make(mdp).items() if k not in skip})
    errors, times = {}, {k: [] for k in solvers}
    for k, f in solvers.items():  # warm-up (compilation) and the accuracy check
        errors[k] = float(np.abs(f() - vstar).max())
    for _ in range(repeat):
        for k, f in solvers.items():
            t0 = time.perf_counter()
            f()
            times[k].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    fastest = min(v for k, v in med.items() if k.startswith("provable") and k != "provable auto")
    choice = getattr(solvers["provable auto"], "choice", "?")
    print(f"\n{name}  (auto chose {choice}; median of {repeat}, interleaved)")
    print(f"{'solver':18s} {'seconds':>9s} {'/ fastest provable':>19s} {'max|V - V*|':>12s}")
    for k in solvers:
        flag = "" if errors[k] <= 1e-6 else "  (not within 1e-6)"
        print(f"{k:18s} {med[k]:9.4f} {med[k] / fastest:19.2f} {errors[k]:12.2e}{flag}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="dense S = 500 only")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sparse-S", type=int, default=100_000,
                    help="states of the sparse case (0: skip it)")
    ap.add_argument("--qe-vi", action="store_true",
                    help="also time QuantEcon's value iteration (minutes near gamma = 1)")
    args = ap.parse_args()
    skip = set() if args.qe_vi else {"QuantEcon VI"}
    cases = ([(500, 0.99)] if args.quick else
             [(1000, 0.99), (1000, 0.999), (2000, 0.99), (2000, 0.999)])
    for S, g in cases:
        mdp = pv.mdp.random_mdp(S, 10, gamma=g, seed=0)
        bench(f"dense random S={S}, A=10, gamma={g}", mdp, args.repeat, skip)
    if not args.quick and args.sparse_S:
        S = args.sparse_S
        A = 8 if S <= 100_000 else 4
        mdp = pv.mdp.random_mdp(S, A, gamma=0.99, nnz_per_row=8, seed=0)
        # dense-only peers and exact PI are out of reach at this size
        skip |= {"pymdptoolbox PI", "provable PI"} if S > 100_000 else {"pymdptoolbox PI"}
        bench(f"sparse random S={S}, A={A}, 8 entries a row, gamma=0.99", mdp,
              max(1, args.repeat // 2), skip)


if __name__ == "__main__":
    main()
