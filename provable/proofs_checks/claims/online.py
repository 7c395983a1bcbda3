"""Claims on online convex optimisation: optimistic OMD in the SEA model, unconstrained
learning with unbounded losses, generalized implicit FTRL."""

from __future__ import annotations

import numpy as np

from provable.bounds._citation import Citation
from provable.learners.oco import (
    LinearModelLosses,
    ftrl,
    generalized_implicit_ftrl,
    optimistic_omd,
    unbounded_ftrl,
)
from provable.proofs_checks._claim import Mutant, claim, flags_verdict, rate_verdict
from provable.proofs_checks._stats import fit_exponent, judge_exponent
from provable.proofs_checks._verdict import Verdict

__all__: list[str] = []

S001 = "001_3c307a0568d472da.txt"
S002 = "002_22a27e65939dd0f4.txt"


def combine(main: Verdict, parts: list[tuple[str, str, str]]) -> Verdict:
    """Fold sub-judgements ``(label, status, reason)`` into ``main`` (whose control stays):
    violated if any part is violated, holds if all hold, else inconclusive."""
    statuses = [main.status] + [s for _, s, _ in parts]
    if "violated" in statuses:
        status = "violated"
    elif all(s == "holds" for s in statuses):
        status = "holds"
    else:
        status = "inconclusive"
    reason = main.reason + "".join(f"; {lab}: {s} ({r})" for lab, s, r in parts)
    out = Verdict(claim="", status=status, measured=main.measured, expected=main.expected,
                  ci=main.ci, tolerance=main.tolerance, reason=reason,
                  data={**main.data, "parts": [{"label": lab, "status": s, "reason": r}
                                               for lab, s, r in parts]})
    out["control"] = main["control"]
    return out


# ---------------------------------------------------------------------------
# sea.optimistic_omd

def _sea_hints(G: np.ndarray, kind: str, weight: float) -> np.ndarray | str:
    """The hint sequence: ``"last"`` M_t = weight * g_{t-1} (weight 1 is the algorithm),
    ``"stale"`` M_t = g_{t-2}, ``"zero"`` (plain OMD)."""
    if kind == "zero" or (kind == "last" and weight == 1.0):
        return kind
    H = np.zeros_like(G)
    if kind == "last":
        H[1:] = weight * G[:-1]
    else:
        H[2:] = G[:-2]
    return H


def _sea_regret(T: int, sigma: float, seed: int, d: int, opts: dict | None = None) -> float:
    rng = np.random.default_rng(seed)
    mu = rng.standard_normal(d)
    mu /= np.linalg.norm(mu)
    G = mu + sigma * rng.standard_normal((T, d)) / np.sqrt(d)
    o = {"hints": "last", "hint_weight": 1.0, "schedule": "adaptive", **(opts or {})}
    r = optimistic_omd(G, eta=2.0, eta_max=1.0, schedule=o["schedule"],
                       hints=_sea_hints(G, o["hints"], o["hint_weight"]))
    # expected regret against u* = -mu on the unit ball: sum_t <mu, x_t - u*>
    return float(np.sum(r.iterates @ mu) + T)


@claim(
    id="sea.optimistic_omd",
    statement="Optimistic OMD in the SEA model has expected regret O(sqrt(sigma^2_{1:T}) + "
              "sqrt(Sigma^2_{1:T})) for convex smooth losses: flat when sigma = Sigma = 0, "
              "growing like sigma*sqrt(T) with stochastic noise sigma.",
    kind="rate_upper",
    rate_id="sea.regret",
    citation=Citation(
        title="Optimistic Online Mirror Descent for Bridging Stochastic and Adversarial "
              "Online Convex Optimization",
        authors="Chen, Tu, Zhao, Zhang", year=2023, arxiv="2302.04552", seed_file=S002,
        seed_text="For convex and smooth functions, we obtain the same "
                  "O(sigma_{1:T^2}+Sigma_{1:T^2}) regret bound, without the convexity "
                  "requirement of individual functions.",
        restored="For convex and smooth functions, we obtain the same "
                 "O(sqrt(sigma^2_{1:T}) + sqrt(Sigma^2_{1:T})) regret bound",
        note="Euclidean optimistic OMD on the unit ball, hint M_t = g_{t-1}, adaptive step "
             "eta_t = min(1, D / sqrt(sum_{s<t} |g_s - M_s|^2)) with D = 2 (the paper's "
             "schedule with 1/(4L) replaced by 1 since the losses are linear, L = 0). Losses "
             "<mu + sigma xi_t, x> with |mu| = 1, xi_t ~ N(0, I/d): sigma^2_{1:T} = T sigma^2, "
             "Sigma^2_{1:T} = 0; regret is the expected (pseudo-)regret against -mu."),
    budgets={"quick": {"d": 5, "Ts": [100 * 2 ** k for k in range(8)], "seeds": 16,
                       "sigmas": [0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0], "T_sigma": 2000},
             "full": {"d": 5, "Ts": [100 * 2 ** k for k in range(10)], "seeds": 32,
                      "sigmas": [0.0625, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0],
                      "T_sigma": 8000}},
    design="Unit ball, d = 5, linear losses <mu + sigma xi_t, x>: optimistic OMD's regret is "
           "flat in T without noise (slope <= 0.1), has slope <= 0.5 in T with sigma = 1 and "
           "slope <= 1 in sigma at fixed T. Control: a false exponent 0.25 beyond the measured "
           "one, which the data must reject. Family: a fixed mean with Gaussian noise, the "
           "SEA model's purely stochastic case (Sigma^2 = 0), not a lower-bound family. "
           "Constants: D = 2 and eta_t = min(1, D / sqrt(sum |g_s - M_s|^2)), the paper's "
           "schedule with 1/(4L) replaced by 1 for linear losses (Chen et al. 2023).",
    expected_seconds={"quick": 2.0, "full": 30.0},
    mutants=(
        Mutant("negated_hint", "hint -g_{t-1} instead of g_{t-1} (a sign error): the hint "
               "error is 2|g| even without noise, so the noise-free regret grows like "
               "sqrt(T) instead of staying flat", {"sea": {"hint_weight": -1.0}}),
        Mutant("constant_step", "the adaptive step replaced by its constant D = 2: with "
               "noise the regret grows like eta sigma^2 T, linearly",
               {"sea": {"schedule": "constant"}}),
        Mutant("hint_x2", "the last gradient counted twice in the hint: the hint error is "
               "|g_t - 2 g_{t-1}| ~ |mu| without noise, the noise-free regret is no longer "
               "flat", {"sea": {"hint_weight": 2.0}}),
        Mutant("no_optimism", "the hint dropped (plain OMD with the same adaptive step): "
               "its bound is sqrt(sum |g_t|^2) ~ sqrt(T) even without noise",
               {"sea": {"hints": "zero"}}),
        Mutant("stale_hint", "hint g_{t-2} instead of g_{t-1} (off by one): for i.i.d. "
               "noise around a fixed mean its error has the same order, sigma^2 per "
               "round, so the bound keeps its form", {"sea": {"hints": "stale"}},
               equivalent=True),
    ),
)
def _sea(params: dict, seed: int) -> Verdict:
    d, Ts, S = params["d"], params["Ts"], params["seeds"]
    o = params.get("sea")
    base = 1000 * seed
    noisy = np.array([[_sea_regret(T, 1.0, base + s, d, o) for T in Ts] for s in range(S)])
    flat = np.array([[_sea_regret(T, 0.0, base + s, d, o) for T in Ts] for s in range(S)])
    sig = params["sigmas"]
    sweep = np.array([[_sea_regret(params["T_sigma"], sg, base + s, d, o) for sg in sig]
                      for s in range(S)])
    v = rate_verdict(Ts, noisy, expected=0.5, kind="upper", tol=0.1, var="T", seed=seed,
                     extra={"flat_ys": flat.tolist(), "sigmas": list(sig),
                            "sigma_ys": sweep.tolist()})
    ff = fit_exponent(Ts, flat, seed=seed)
    fs = fit_exponent(sig, sweep, seed=seed)
    parts = [("no noise, slope in T", *judge_exponent(ff, 0.0, kind="upper", tol=0.1)),
             ("slope in sigma", *judge_exponent(fs, 1.0, kind="upper", tol=0.1))]
    return combine(v, parts)


# ---------------------------------------------------------------------------
# unbounded_oco.regret

def _unb_regret(T: int, u: float, seed: int, *, G: float, L: float, amp: float,
                method: str = "pf", eta: float = 0.5, opts: dict | None = None) -> float:
    rng = np.random.default_rng(seed)
    zeta = rng.uniform(-amp, amp, T)
    c = (rng.random(T) < 0.5).astype(float)

    def grad(t: int, w: np.ndarray) -> np.ndarray:
        return np.array([G * np.sign(w[0] - u) + G * zeta[t] + L * c[t] * (w[0] - u)])

    def f(w: np.ndarray) -> np.ndarray:  # expected loss, minimised at u
        return G * np.abs(w - u) + 0.25 * L * (w - u) ** 2

    if method == "pf":
        kw = {"G": (1 + amp) * G + L * abs(u), "L": L, **(opts or {})}
        X = unbounded_ftrl(grad, T, **kw).iterates[:, 0]
    else:  # fixed-step OGD baseline
        X = np.empty(T)
        w = 0.0
        for t in range(T):
            X[t] = w
            w = w - eta * grad(t, np.array([w]))[0]
            if not np.isfinite(w) or abs(w) > 1e100:
                X[t:] = 1e100
                break
    with np.errstate(over="ignore"):
        return float(min(np.sum(f(X)), 1e300))


@claim(
    id="unbounded_oco.regret",
    statement="On an unbounded domain with subgradients |g_t| <= G + L|w_t|, regret is "
              "O~(G|u| sqrt(T) + L|u|^2 sqrt(T)).",
    kind="rate_upper",
    rate_id="unbounded_oco.regret",
    citation=Citation(
        title="Unconstrained Online Learning with Unbounded Losses",
        authors="Jacobsen, Cutkosky", year=2023, arxiv="2306.04923", seed_file=S001,
        seed_text="For this setting we provide an algorithm which guarantees R_{T}(u)le "
                  "tilde O(G|u|T+L|u|^{2}T) regret on any problem where the subgradients "
                  "satisfy |g_{t}|le G+L|w_{t}|, and show that this bound is unimprovable "
                  "without further assumptions.",
        restored="R_T(u) <= O~(G|u| sqrt(T) + L|u|^2 sqrt(T)) whenever |g_t| <= G + L|w_t|",
        note="STAND-IN: the paper's algorithm was not reconstructed. The learner is "
             "provable.learners.oco.unbounded_ftrl: FTRL with a parameter-free exponential-"
             "potential regulariser (Orabona & Pal 2016) plus a composite quadratic penalty "
             "(L sqrt(t)/2)|w|^2, the two mechanisms the bound's two terms correspond to. "
             "Losses: l_t(w) = G|w-u| + G zeta_t w + (L/2) c_t (w-u)^2, zeta_t ~ U[-1,1], "
             "c_t ~ Bernoulli(1/2), so |g_t| <= (2G + L|u|) + L|w_t|; regret is measured on the "
             "expected loss. The T-slope check is one-sided (the family is not the paper's "
             "lower-bound family)."),
    budgets={"quick": {"Ts": [100, 200, 400, 800, 1600, 3200], "us": [0.5, 1, 2, 4, 8, 16, 32],
                       "T_u": 500, "seeds": 8, "G": 1.0, "L": 1.0, "amp": 1.0, "u_T": 4.0},
             "full": {"Ts": [100, 200, 400, 800, 1600, 3200, 6400, 12800],
                      "us": [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64], "T_u": 2000, "seeds": 16,
                      "G": 1.0, "L": 1.0, "amp": 1.0, "u_T": 4.0}},
    design="1-D losses with |g_t| <= G + L|w_t| (G = L = 1): regret of the unconstrained "
           "learner has slope <= 0.5 in T (u = 4: at u = 1 an over-regularised learner sits "
           "at w ~ G = u by coincidence) and slope <= 2 in |u| (T fixed). Control: a "
           "planted fixed-step OGD (eta = 0.5), whose regret is linear in T; a fixed step above "
           "2/L diverges (recorded in data). Family: not the paper's lower-bound family (the "
           "T-slope check is one-sided). Constants: G = L = 1; the stand-in's penalty "
           "(L sqrt(t) / 2) |w|^2 and potential (Orabona & Pal 2016; see the note).",
    expected_seconds={"quick": 6.0, "full": 90.0},
    mutants=(
        Mutant("no_quadratic_penalty", "the learner told L = 0 (no composite penalty): "
               "nothing holds the iterates back when the gradients grow like L|w|",
               {"learner": {"L": 0.0}}),
        Mutant("penalty_x100", "penalty strength 100 L sqrt(t): the iterates are held near "
               "0 and the regret against u grows like |u| T", {"learner": {"L": 100.0}}),
        Mutant("penalty_linear_in_t", "penalty L t instead of L sqrt(t): over-regularised, "
               "regret of order |u|^2 T", {"learner": {"penalty_power": 1.0}}),
        Mutant("penalty_constant", "penalty L instead of L sqrt(t): too weak as t grows",
               {"learner": {"penalty_power": 0.0}}),
        Mutant("no_variance_inflation", "k = 1 instead of 3 in V_t: the potential's "
               "variance is the plain sum of squared gradients; the parameter-free bound "
               "holds for any k >= 1 with a different constant", {"learner": {"k": 1.0}},
               equivalent=True),
    ),
)
def _unbounded(params: dict, seed: int) -> Verdict:
    Ts, us, S = params["Ts"], params["us"], params["seeds"]
    kw = {"G": params["G"], "L": params["L"], "amp": params["amp"]}
    base = 1000 * seed
    o = params.get("learner")
    uT = float(params.get("u_T", 1.0))
    yT = np.array([[_unb_regret(T, uT, base + s, opts=o, **kw) for T in Ts]
                   for s in range(S)])
    yc = np.array([[_unb_regret(T, uT, base + s, method="ogd", **kw) for T in Ts]
                   for s in range(S)])
    yu = np.array([[_unb_regret(params["T_u"], u, base + s, opts=o, **kw) for u in us]
                   for s in range(S)])
    blow = _unb_regret(100, 1.0, base, method="ogd", eta=2.5 / params["L"], **kw)
    v = rate_verdict(Ts, yT, expected=0.5, kind="upper", tol=0.1, var="T", seed=seed, control_ys=yc,
                     extra={"us": list(us), "u_ys": yu.tolist(),
                            "ogd_eta_2.5_over_L_regret_T100": blow})
    fu = fit_exponent(us, yu, seed=seed)
    return combine(v, [("slope in |u|", *judge_exponent(fu, 2.0, kind="upper", tol=0.1))])


# ---------------------------------------------------------------------------
# implicit_ftrl.recovers

def _instance(kind: str, T: int, d: int, rng: np.random.Generator) -> LinearModelLosses:
    A = rng.standard_normal((T, d))
    w = rng.standard_normal(d)
    if kind == "hinge":
        b = np.sign(A @ w + 0.5 * rng.standard_normal(T))
        b[b == 0] = 1.0
    else:
        b = A @ w + 0.3 * rng.standard_normal(T)
    return LinearModelLosses(kind, A, b)


def _implicit_reference(L: LinearModelLosses, etas: np.ndarray) -> np.ndarray:
    """Implicit FTRL computed independently: the proximal problem
    min_x |x|^2/(2 eta) + <theta, x> + h(<a, x>) solved by a linear solve (square loss) or by
    comparing the objective at every candidate minimiser (kinks and the stationary points of
    each smooth piece) for abs / hinge."""
    T, d = L.T, L.d
    theta = np.zeros(d)
    X = np.empty((T, d))
    for t in range(T):
        X[t] = -etas[t] * theta
        a, b, e = L.A[t], L.b[t], etas[t + 1]
        if L.kind == "square":
            x = np.linalg.solve(np.eye(d) / e + np.outer(a, a), -theta + b * a)
        else:
            v = -e * theta
            cands = [v]                        # flat piece (slope 0 of h)
            if L.kind == "abs":
                cands += [v - e * a, v + e * a]  # slopes +1 / -1
                knot = b
            else:
                cands += [v + e * b * a]         # slope -b
                knot = 1.0 / b
            na = float(a @ a)
            if na > 0:                            # point of the line <a, x> = knot nearest v
                cands.append(v + (knot - float(a @ v)) / na * a)
            objs = [float(c @ c) / (2 * e) + float(theta @ c) + L.value(t, c) for c in cands]
            x = cands[int(np.argmin(objs))]
        # g_t in the subdifferential at the implicit point, from the optimality condition
        g = -(x / e + theta)
        theta = theta + g
    return X


@claim(
    id="implicit_ftrl.recovers",
    statement="Generalized implicit FTRL recovers FTRL with linearized losses and implicit FTRL "
              "as special cases, and its implicit update improves the worst-case regret bound "
              "(each per-round bound term is at most the linearised one).",
    kind="property",
    citation=Citation(
        title="Generalized Implicit Follow-The-Regularized-Leader",
        authors="Chen, Orabona", year=2023, arxiv="2306.00201", seed_file=f"{S001},{S002}",
        seed_text="Generalized implicit FTRL can recover known algorithms, as FTRL with "
                  "linearized losses and implicit FTRL, and it allows the design of new update "
                  "rules, as extensions of aProx and Mirror-Prox to FTRL. Our theory is "
                  "constructive in the sense that it provides a simple unifying framework to "
                  "design updates that directly improve the worst-case upper bound on the "
                  "regret.",
        note="Quadratic regulariser |x|^2/(2 eta_t), eta_t = eta/sqrt(t), unbounded domain. "
             "Per-round bound term delta_t(g) = l_t(x_t) + l_t^*(g) + psi*_{t+1}(-theta_{t-1}-g) "
             "- psi*_t(-theta_{t-1}) (Fenchel-Young in place of linearisation); the implicit g_t "
             "minimises it, the linearised g_t = grad l_t(x_t) does not. Realised regrets of "
             "both are recorded in data (the paper bounds, it does not order, realised regret)."),
    budgets={"quick": {"T": 300, "d": 4, "instances": 4, "eta": 0.5},
             "full": {"T": 3000, "d": 8, "instances": 16, "eta": 0.5}},
    design="Random abs / hinge / square linear-model losses: generalized implicit FTRL with "
           "the linearised update equals ftrl(l2) and with the implicit update equals an "
           "independently computed implicit FTRL, both to 1e-12; along the implicit run each "
           "delta_t(implicit) <= delta_t(linearised). Control: the wrong identity 'implicit "
           "iterates = linearised iterates' (1e-12).",
    expected_seconds={"quick": 1.5, "full": 30.0},
    mutants=(
        Mutant("prox_step_off_by_one", "the implicit step solved with eta_t instead of "
               "eta_{t+1}: no longer implicit FTRL", {"mutation": {"prox_step": "current"}}),
        Mutant("dual_sign", "g_t subtracted from the state instead of added: neither "
               "linearised FTRL nor implicit FTRL", {"mutation": {"dual_sign": -1.0}}),
        Mutant("bound_without_conjugate", "the conjugate l_t^*(g) dropped from the per-round "
               "bound term: the term is no longer the Fenchel-Young bound the implicit "
               "update minimises", {"mutation": {"conjugate": False}}),
    ),
)
def _implicit(params: dict, seed: int) -> Verdict:
    rng = np.random.default_rng(seed)
    T, d, eta = params["T"], params["d"], params["eta"]
    mut = params.get("mutation")
    etas = eta / np.sqrt(np.arange(1, T + 2))
    flags, ctrl, regrets = [], [], []
    res_lin = res_imp = 0.0
    worst_gain = np.inf
    for kind in ("abs", "hinge", "square"):
        for _ in range(params["instances"]):
            L = _instance(kind, T, d, rng)
            lin = generalized_implicit_ftrl(L, eta=eta, update="linearized", schedule="anytime",
                                            mutation=mut)
            imp = generalized_implicit_ftrl(L, eta=eta, update="implicit", schedule="anytime",
                                            mutation=mut)
            named = ftrl(lambda t, x, L=L: L.grad(t, x), T, regularizer="l2", eta=eta,
                         domain="unconstrained", d=d, schedule="anytime",
                         loss=L.value, comparator=np.zeros(d))
            r1 = float(np.abs(lin.iterates - named.iterates).max())
            r2 = float(np.abs(imp.iterates - _implicit_reference(L, etas)).max())
            res_lin, res_imp = max(res_lin, r1), max(res_imp, r2)
            # per-round bound terms at the implicit run's states: implicit vs linearised g
            theta = np.cumsum(imp.duals, axis=0) - imp.duals          # theta_{t-1}
            x = imp.iterates
            g_lin = imp.gradients
            nt = theta + g_lin
            d_lin = (np.einsum("td,td->t", g_lin, x) + 0.5 * etas[1:T + 1] * (nt * nt).sum(1)
                     - 0.5 * etas[:T] * (theta * theta).sum(1))
            gain = float((d_lin - imp.bound_terms).min())
            worst_gain = min(worst_gain, gain)
            flags += [r1 <= 1e-12, r2 <= 1e-12, gain >= -1e-10]
            ctrl.append(float(np.abs(imp.iterates - lin.iterates).max()) <= 1e-12)
            regrets.append({"kind": kind, "linearized": float(lin.regret[-1]),
                            "implicit": float(imp.regret[-1]),
                            "bound_linearized": float(lin.bound),
                            "bound_implicit": float(imp.bound)})
    return flags_verdict(
        flags, what="linearised = ftrl(l2) and implicit = reference to 1e-12, implicit "
                    "per-round bound terms <= linearised",
        control_flags=ctrl, control_what="wrong identity: implicit iterates = linearised "
                                         "iterates (1e-12)",
        data={"max_residual_linearized": res_lin, "max_residual_implicit": res_imp,
              "min_bound_term_improvement": worst_gain, "regrets": regrets})
