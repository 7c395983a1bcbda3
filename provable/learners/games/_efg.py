r"""Two-player zero-sum extensive-form games: Kuhn poker, the sequence form, exact best
responses and exploitability, and LocalOMD with fixed sampling (Fiegel et al.).

Convention: player 0 *maximises* the payoff :math:`u` (its utility), player 1 minimises
it. A behavioural policy is an array ``policy[x, a]`` over all information sets ``x`` of
both players (rows of the other player's sets are ignored). With the realization plans
:math:`q_0, q_1` (sequence form, von Stengel 1996) the expected payoff is
:math:`q_0^\top A q_1`, and the exploitability of a profile is

.. math::

    \operatorname{expl}(\pi) = \max_{q_0'} {q_0'}^\top A q_1 - \min_{q_1'} q_0^\top A q_1'
    \;\ge 0,

zero exactly at a Nash equilibrium (both maxima are exact best responses, computed
bottom-up over each player's information-set tree).

LocalOMD (Fiegel, Ménard, Kozuno, Munos, Perchet, Valko) learns from trajectories: in
episode :math:`t` one player (alternating) is the learner; it plays a *fixed* sampling
policy :math:`\mu` (the balanced policy) while the opponent plays its current policy.
Along the sampled trajectory, from the last of the learner's information sets back to
the first, the learner forms the regularised loss
:math:`\hat\ell_t(x, a) = (\ell_t(x, a) - V_t(x'))/\mu(a\mid x)` (:math:`\ell_t` the
terminal loss, :math:`V_t(x')` the value of the next own information set) and takes a
local entropic mirror-descent step with its own adaptive rate
:math:`\eta_t(x) = \eta / \sqrt{1 + \sum_{s \le t} \hat\ell_s(x)^2}`:

.. math::

    z_{t+1}(x) = \alpha z_t(x) + (1-\alpha) z_1(x) - \eta_t(x)\hat\ell_t(x, a) e_a,
    \quad \alpha = \eta_t(x)/\eta_{t-1}(x),

normalised to a log-policy; :math:`V_t(x) = \log Z_t(x) / \eta_t(x)` with
:math:`Z_t(x)` the normaliser. The pull towards the initial logits :math:`z_1` is the
stabilisation that makes the decreasing rates safe. The output is the average profile
(the uniform average of the realization plans of the policies played).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numba import njit

from provable._result import RichResult
from provable._validation import as_generator, check_choice, check_int, check_real
from provable.errors import InvalidArgument

__all__ = ["ExtensiveFormGame", "LocalOMDResult", "kuhn_poker", "realization_plan",
           "best_response_value", "exploitability", "sequence_form_lp", "balanced_policy",
           "uniform_policy", "plan_to_policy", "local_omd", "KUHN_VALUE"]

KUHN_VALUE = -1.0 / 18.0
"""Value of Kuhn poker for the first player (Kuhn 1950)."""


@dataclass(frozen=True)
class ExtensiveFormGame:
    """A finite two-player zero-sum game tree with perfect recall, flattened to arrays.

    Attributes
    ----------
    kind : ndarray(int, ndim=1)
        Per node: -1 chance, 0 or 1 the player to act, 2 terminal. Node 0 is the root.
    children : ndarray(int, ndim=2)
        ``children[n, a]`` the node reached by action ``a`` (-1 past the last action).
    n_actions : ndarray(int, ndim=1)
        Actions (or chance outcomes) per node.
    chance : ndarray(float, ndim=2)
        Outcome probabilities at chance nodes.
    infoset : ndarray(int, ndim=1)
        Information set of each decision node (-1 elsewhere).
    payoff : ndarray(float, ndim=1)
        Payoff to player 0 at terminal nodes.
    iset_player, iset_n_actions, iset_parent, iset_seq : ndarray(int, ndim=1)
        Per information set: its player, its number of actions, the player's sequence
        leading to it (0 is the empty sequence) and the index of its first sequence.
    n_sequences : tuple of int
        Sequences per player, the empty one included.
    labels : tuple of str
        A readable name per information set.
    """

    kind: np.ndarray
    children: np.ndarray
    n_actions: np.ndarray
    chance: np.ndarray
    infoset: np.ndarray
    payoff: np.ndarray
    iset_player: np.ndarray
    iset_n_actions: np.ndarray
    iset_parent: np.ndarray
    iset_seq: np.ndarray
    n_sequences: tuple[int, int]
    labels: tuple[str, ...] = field(default=())

    @property
    def n_infosets(self) -> int:
        """Number of information sets of both players."""
        return int(self.iset_player.size)

    @property
    def max_actions(self) -> int:
        """Largest number of actions at an information set."""
        return int(self.iset_n_actions.max())

    def payoff_matrix(self) -> np.ndarray:
        r"""Sequence-form payoff matrix :math:`A`, shape ``n_sequences``:
        :math:`A[s_0, s_1] = \sum_z p_c(z) u(z)` over the terminal nodes :math:`z` whose
        last sequences of the two players are :math:`s_0, s_1`."""
        A = np.zeros(self.n_sequences)
        stack = [(0, 1.0, 0, 0)]
        while stack:
            n, p, s0, s1 = stack.pop()
            k = self.kind[n]
            if k == 2:
                A[s0, s1] += p * self.payoff[n]
            elif k == -1:
                for a in range(self.n_actions[n]):
                    stack.append((self.children[n, a], p * self.chance[n, a], s0, s1))
            else:
                s = self.iset_seq[self.infoset[n]]
                for a in range(self.n_actions[n]):
                    stack.append((self.children[n, a], p, s + a if k == 0 else s0,
                                  s + a if k == 1 else s1))
        return A


def _build(root: Any, actions: Any, payoff: Any, player_of: Any, key_of: Any
           ) -> ExtensiveFormGame:
    """Flatten a game given by callbacks on histories (depth first, so every information
    set is numbered after the one above it)."""
    kind, children, nact, chance, iset, pay = [], [], [], [], [], []
    iset_index: dict[Any, int] = {}
    iplayer: list[int] = []
    inact: list[int] = []
    iparent: list[int] = []
    iseq: list[int] = []
    labels: list[str] = []
    nseq = [1, 1]

    def visit(h: Any, own: tuple[int, int]) -> int:
        n = len(kind)
        kind.append(0)
        children.append([])
        nact.append(0)
        chance.append([])
        iset.append(-1)
        pay.append(0.0)
        p = player_of(h)
        if p == 2:
            kind[n] = 2
            pay[n] = float(payoff(h))
            return n
        acts = actions(h)
        kind[n] = p
        nact[n] = len(acts)
        if p == -1:
            chance[n] = [float(q) for _, q in acts]
            children[n] = [visit(a, own) for a, _ in acts]
            return n
        key = key_of(h)
        if key not in iset_index:
            iset_index[key] = len(iplayer)
            iplayer.append(p)
            inact.append(len(acts))
            iparent.append(own[p])
            iseq.append(nseq[p])
            labels.append(str(key))
            nseq[p] += len(acts)
        x = iset_index[key]
        if iparent[x] != own[p] or inact[x] != len(acts):
            raise InvalidArgument(f"information set {key!r} breaks perfect recall")
        iset[n] = x
        kids = []
        for i, a in enumerate(acts):
            nxt = (iseq[x] + i, own[1]) if p == 0 else (own[0], iseq[x] + i)
            kids.append(visit(a, nxt))
        children[n] = kids
        return n

    visit(root, (0, 0))
    m = max(max(nact), 1)
    C = np.full((len(kind), m), -1, dtype=np.int64)
    P = np.zeros((len(kind), m))
    for n, ch in enumerate(children):
        C[n, :len(ch)] = ch
        P[n, :len(chance[n])] = chance[n]
    return ExtensiveFormGame(
        kind=np.array(kind, dtype=np.int64), children=C, n_actions=np.array(nact, np.int64),
        chance=P, infoset=np.array(iset, np.int64), payoff=np.array(pay),
        iset_player=np.array(iplayer, np.int64), iset_n_actions=np.array(inact, np.int64),
        iset_parent=np.array(iparent, np.int64), iset_seq=np.array(iseq, np.int64),
        n_sequences=(nseq[0], nseq[1]), labels=tuple(labels))


def kuhn_poker() -> ExtensiveFormGame:
    """Kuhn poker (Kuhn 1950): cards J < Q < K, one dealt to each player, ante 1, one
    betting round; action 0 is pass (check or fold), action 1 is bet (bet or call).

    Twelve information sets (a card and a betting history each), two actions each; the
    game value for player 0, the first to act, is -1/18.

    Examples
    --------
    >>> g = kuhn_poker()
    >>> g.n_infosets, g.n_sequences, int((g.kind == 2).sum())
    (12, (13, 13), 30)
    >>> g.labels[:3]
    ('P0 J:', 'P1 Q:p', 'P0 J:pb')
    """
    cards = "JQK"
    deals = [(i, j) for i in range(3) for j in range(3) if i != j]

    def player_of(h: tuple) -> int:
        if not h:
            return -1
        b = h[1]
        if b in ("pp", "bp", "bb", "pbp", "pbb"):
            return 2
        return 0 if b in ("", "pb") else 1

    def actions(h: tuple) -> list:
        if not h:
            return [((d, ""), 1.0 / 6.0) for d in deals]
        return [(h[0], h[1] + "p"), (h[0], h[1] + "b")]

    def payoff(h: tuple) -> float:
        (c0, c1), b = h
        sign = 1.0 if c0 > c1 else -1.0
        if b == "bp":
            return 1.0
        if b == "pbp":
            return -1.0
        return sign * (2.0 if b in ("bb", "pbb") else 1.0)

    def key_of(h: tuple) -> str:
        p = player_of(h)
        return f"P{p} {cards[h[0][p]]}:{h[1]}"

    return _build((), actions, payoff, player_of, key_of)


def _check_policy(game: ExtensiveFormGame, policy: Any) -> np.ndarray:
    pol = np.asarray(policy, dtype=float)
    if pol.shape != (game.n_infosets, game.max_actions):
        raise InvalidArgument(f"policy has shape {pol.shape}, expected "
                              f"({game.n_infosets}, {game.max_actions})")
    for x in range(game.n_infosets):
        row = pol[x, :game.iset_n_actions[x]]
        if not np.all(np.isfinite(row)) or np.any(row < 0) or abs(row.sum() - 1) > 1e-9:
            raise InvalidArgument(f"policy[{x}] = {row.tolist()} ({game.labels[x]}) is not a "
                                  "probability vector")
    return pol


def uniform_policy(game: ExtensiveFormGame) -> np.ndarray:
    """Uniform behavioural policy at every information set."""
    pol = np.zeros((game.n_infosets, game.max_actions))
    for x, k in enumerate(game.iset_n_actions):
        pol[x, :k] = 1.0 / k
    return pol


def balanced_policy(game: ExtensiveFormGame) -> np.ndarray:
    r"""The balanced policy: :math:`\mu(a \mid x) = A(x, a) / A(x)`, with :math:`A(x)`
    the number of the player's (information set, action) pairs at or below :math:`x`
    and :math:`A(x, a)` those at or below the action :math:`a`.

    Examples
    --------
    >>> g = kuhn_poker()
    >>> balanced_policy(g)[0].tolist(), balanced_policy(g)[1].tolist()
    ([0.75, 0.25], [0.5, 0.5])
    """
    below = np.zeros(sum(game.n_sequences), dtype=float)   # pairs under each sequence
    off = (0, game.n_sequences[0])
    count = game.iset_n_actions.astype(float).copy()
    for x in range(game.n_infosets - 1, -1, -1):          # children are numbered later
        p = game.iset_player[x]
        for a in range(game.iset_n_actions[x]):
            count[x] += below[off[p] + game.iset_seq[x] + a]
        below[off[p] + game.iset_parent[x]] += count[x]
    pol = np.zeros((game.n_infosets, game.max_actions))
    for x in range(game.n_infosets):
        p = game.iset_player[x]
        for a in range(game.iset_n_actions[x]):
            pol[x, a] = (1.0 + below[off[p] + game.iset_seq[x] + a]) / count[x]
    return pol


def realization_plan(game: ExtensiveFormGame, policy: Any, player: int) -> np.ndarray:
    r"""Realization plan of ``player``: :math:`q(\sigma) = \prod` of its own action
    probabilities along the sequence :math:`\sigma` (``q[0] = 1``, the empty sequence).

    Examples
    --------
    >>> g = kuhn_poker()
    >>> realization_plan(g, uniform_policy(g), 0)[:5].tolist()
    [1.0, 0.5, 0.5, 0.25, 0.25]
    """
    pol = _check_policy(game, policy)
    return _plan(game, pol, check_int("player", player, min_value=0, max_value=1))


def _plan(game: ExtensiveFormGame, pol: np.ndarray, player: int) -> np.ndarray:
    q = np.zeros(game.n_sequences[player])
    q[0] = 1.0
    for x in range(game.n_infosets):
        if game.iset_player[x] == player:
            s = game.iset_seq[x]
            k = game.iset_n_actions[x]
            q[s:s + k] = q[game.iset_parent[x]] * pol[x, :k]
    return q


def _best_response(game: ExtensiveFormGame, g: np.ndarray, player: int,
                   sign: float) -> float:
    """``sign * max`` over ``player``'s realization plans of ``sign * q.g``, bottom-up."""
    acc = g.astype(float).copy()
    for x in range(game.n_infosets - 1, -1, -1):
        if game.iset_player[x] != player:
            continue
        s = game.iset_seq[x]
        k = game.iset_n_actions[x]
        acc[game.iset_parent[x]] += sign * max(sign * acc[s:s + k])
    return float(acc[0])


def best_response_value(game: ExtensiveFormGame, policy: Any, player: int) -> float:
    """Payoff to player 0 when ``player`` best-responds to the other player's policy
    (``player`` 0 maximises it, ``player`` 1 minimises it).

    Examples
    --------
    >>> g = kuhn_poker()
    >>> round(best_response_value(g, uniform_policy(g), 0), 12)
    0.5
    """
    pol = _check_policy(game, policy)
    player = check_int("player", player, min_value=0, max_value=1)
    A = game.payoff_matrix()
    if player == 0:
        return _best_response(game, A @ _plan(game, pol, 1), 0, 1.0)
    return _best_response(game, A.T @ _plan(game, pol, 0), 1, -1.0)


def _exploitability_plans(game: ExtensiveFormGame, A: np.ndarray, q0: np.ndarray,
                          q1: np.ndarray) -> float:
    return _best_response(game, A @ q1, 0, 1.0) - _best_response(game, A.T @ q0, 1, -1.0)


def exploitability(game: ExtensiveFormGame, policy: Any) -> float:
    """Exploitability (NashConv) of a behavioural profile by exact best responses:
    ``best_response_value(., 0) - best_response_value(., 1)``; zero exactly at a Nash
    equilibrium.

    Examples
    --------
    >>> g = kuhn_poker()
    >>> round(exploitability(g, uniform_policy(g)), 12)
    0.916666666667
    """
    pol = _check_policy(game, policy)
    return _exploitability_plans(game, game.payoff_matrix(), _plan(game, pol, 0),
                                 _plan(game, pol, 1))


def _constraints(game: ExtensiveFormGame, player: int) -> np.ndarray:
    rows = [x for x in range(game.n_infosets) if game.iset_player[x] == player]
    E = np.zeros((1 + len(rows), game.n_sequences[player]))
    E[0, 0] = 1.0
    for i, x in enumerate(rows, start=1):
        s = game.iset_seq[x]
        E[i, s:s + game.iset_n_actions[x]] = 1.0
        E[i, game.iset_parent[x]] = -1.0
    return E


def sequence_form_lp(game: ExtensiveFormGame) -> tuple[float, np.ndarray]:
    r"""Game value and a maximin realization plan of player 0 by the sequence-form linear
    program (Koller, Megiddo & von Stengel 1996), solved with HiGHS:

    .. math::

        \max_{q_0 \ge 0,\, v} f^\top v \quad\text{s.t.}\quad E q_0 = e,\;
        F^\top v \le A^\top q_0 .

    Examples
    --------
    >>> v, q0 = sequence_form_lp(kuhn_poker())
    >>> round(v * 18, 8)
    -1.0
    """
    from scipy.optimize import linprog

    A = game.payoff_matrix()
    E, F = _constraints(game, 0), _constraints(game, 1)
    n0, m1 = A.shape[0], F.shape[0]
    c = np.concatenate([np.zeros(n0), -np.eye(m1)[0]])       # maximise v_root (f = e_0)
    A_ub = np.hstack([-A.T, F.T])
    A_eq = np.hstack([E, np.zeros((E.shape[0], m1))])
    b_eq = np.eye(E.shape[0])[0]
    bounds = [(0, None)] * n0 + [(None, None)] * m1
    res = linprog(c, A_ub=A_ub, b_ub=np.zeros(A_ub.shape[0]), A_eq=A_eq, b_eq=b_eq,
                  bounds=bounds, method="highs")
    if res.status != 0:
        raise InvalidArgument(f"sequence-form LP failed: {res.message}")
    return float(-res.fun), np.asarray(res.x[:n0])


class LocalOMDResult(RichResult):
    """Result of :func:`local_omd`.

    Attributes
    ----------
    checkpoints : ndarray(int)
        Episode counts at which the output profile was recorded.
    exploitability : ndarray(float)
        Exploitability of the output (average) profile at each checkpoint.
    last_exploitability : ndarray(float)
        Exploitability of the current policies (the last iterate) at each checkpoint.
    plans, last_plans : tuple of ndarray
        Average and current realization plans of the two players, shape
        ``(len(checkpoints), n_seq)`` each.
    policy : ndarray
        Last behavioural policy.
    params : dict
    """

    _fields = ("checkpoints", "exploitability", "last_exploitability", "plans", "last_plans",
               "policy", "params")


@njit(cache=True)
def _plans_into(iset_player: np.ndarray, iset_nact: np.ndarray, iset_parent: np.ndarray,
                iset_seq: np.ndarray, pol: np.ndarray, q0: np.ndarray,
                q1: np.ndarray) -> None:  # pragma: no cover - jit
    q0[0] = 1.0
    q1[0] = 1.0
    for x in range(iset_player.size):
        q = q0 if iset_player[x] == 0 else q1
        s = iset_seq[x]
        for a in range(iset_nact[x]):
            q[s + a] = q[iset_parent[x]] * pol[x, a]


@njit(cache=True)
def _local_omd_kernel(kind: np.ndarray, children: np.ndarray, n_actions: np.ndarray,
                      chance: np.ndarray, infoset: np.ndarray, payoff: np.ndarray,
                      umin: float, umax: float, iset_player: np.ndarray,
                      iset_nact: np.ndarray, iset_parent: np.ndarray, iset_seq: np.ndarray,
                      sampling: np.ndarray, init_logit: np.ndarray, U: np.ndarray,
                      checkpoints: np.ndarray, eta: float, lr_power: float,
                      importance: bool, step_sign: float, stabilize: bool,
                      propagate: bool, target: np.ndarray, out0: np.ndarray,
                      out1: np.ndarray, last0: np.ndarray, last1: np.ndarray,
                      pol: np.ndarray) -> None:  # pragma: no cover - jit
    nx, m = init_logit.shape
    logit = init_logit.copy()
    for x in range(nx):
        for a in range(iset_nact[x]):
            pol[x, a] = np.exp(logit[x, a])
    cum = np.ones(nx)                        # 1 + sum of squared regularised losses
    lr = np.full(nx, eta)
    q0 = np.zeros(out0.shape[1])
    q1 = np.zeros(out1.shape[1])
    s0 = np.zeros(out0.shape[1])
    s1 = np.zeros(out1.shape[1])
    path_x = np.empty(U.shape[1], dtype=np.int64)
    path_a = np.empty(U.shape[1], dtype=np.int64)
    k = 0
    T = U.shape[0]
    for t in range(T):
        learner = t % 2
        _plans_into(iset_player, iset_nact, iset_parent, iset_seq, pol, q0, q1)
        s0 += q0
        s1 += q1
        # ---- sample a trajectory: learner plays mu, the opponent its current policy
        n = 0
        depth = 0
        L = 0
        while kind[n] != 2:
            u = U[t, depth]
            depth += 1
            if kind[n] == -1:
                probs = chance[n]
            else:
                x = infoset[n]
                probs = sampling[x] if kind[n] == learner else pol[x]
            a = 0
            c = probs[0]
            while u >= c and a < n_actions[n] - 1:
                a += 1
                c += probs[a]
            if kind[n] == learner:
                path_x[L] = infoset[n]
                path_a[L] = a
                L += 1
            n = children[n, a]
        pay = payoff[n] if learner == 0 else -payoff[n]
        loss = (umax - pay) / (umax - umin)
        # ---- backward local updates with the regularised loss
        value = 0.0
        for j in range(L - 1, -1, -1):
            x = target[path_x[j]]
            a = path_a[j]
            ell = loss if j == L - 1 else 0.0
            if propagate:
                ell -= value
            if importance:
                ell /= sampling[path_x[j], a]
            old = lr[x]
            cum[x] += ell * ell
            lr[x] = eta * cum[x] ** (-lr_power)
            alpha = lr[x] / old
            if stabilize:
                for b in range(iset_nact[x]):
                    logit[x, b] = alpha * logit[x, b] + (1.0 - alpha) * init_logit[x, b]
            logit[x, a] -= step_sign * lr[x] * ell
            mx = logit[x, 0]
            for b in range(1, iset_nact[x]):
                mx = max(mx, logit[x, b])
            z = 0.0
            for b in range(iset_nact[x]):
                z += np.exp(logit[x, b] - mx)
            logz = mx + np.log(z)
            for b in range(iset_nact[x]):
                logit[x, b] -= logz
                pol[x, b] = np.exp(logit[x, b])
            value = logz / lr[x]
        if k < checkpoints.size and checkpoints[k] == t + 1:
            _plans_into(iset_player, iset_nact, iset_parent, iset_seq, pol, q0, q1)
        while k < checkpoints.size and checkpoints[k] == t + 1:
            out0[k] = s0 / (t + 1)
            out1[k] = s1 / (t + 1)
            last0[k] = q0
            last1[k] = q1
            k += 1


def _next_card_map(game: ExtensiveFormGame) -> np.ndarray:
    """Information set with the same player and history but the next private card (a
    planted indexing mistake for Kuhn-like labels ``'P<p> <card>:<history>'``)."""
    idx = {lab: i for i, lab in enumerate(game.labels)}
    cards = sorted({lab.split()[1].split(":")[0] for lab in game.labels})
    out = np.arange(game.n_infosets)
    for i, lab in enumerate(game.labels):
        head, rest = lab.split(" ", 1)
        card, hist = rest.split(":", 1)
        nxt = cards[(cards.index(card) + 1) % len(cards)]
        out[i] = idx.get(f"{head} {nxt}:{hist}", i)
    return out


def local_omd(game: ExtensiveFormGame, T: int, *, checkpoints: Any = None, seed: Any = None,
              eta: float = 1.0, lr_power: float = 0.5, importance: bool = True,
              step_sign: float = 1.0, stabilize: bool = True, propagate: bool = True,
              update_infoset: str = "own") -> LocalOMDResult:
    r"""LocalOMD with fixed (balanced) sampling and adaptive rates, self-play on ``game``.

    Episodes alternate the learner (player 0 first). The learner samples its actions from
    the balanced policy, the opponent from its current policy; the learner then updates
    every own information set on the trajectory, last first, with the regularised loss and
    the adaptive rate of the module docstring. The initial policy is the balanced policy.

    Parameters
    ----------
    game : ExtensiveFormGame
    T : int
        Episodes.
    checkpoints : array_like(int), optional
        Episode counts at which to record the output (default: ``T`` only).
    seed : int or numpy.random.Generator, optional
    eta : float, default 1
        Base rate :math:`\eta` in :math:`\eta_t(x) = \eta (1 + \sum_s \hat\ell_s(x)^2)^{-p}`.
    lr_power : float, default 0.5
        The exponent :math:`p` (0.5 in the paper; 0 gives a constant rate).
    importance, step_sign, stabilize, propagate, update_infoset
        The paper's algorithm with the defaults; other values plant mistakes: no division
        by :math:`\mu(a\mid x)`, a sign flip, no pull towards the initial logits, the
        next set's value not subtracted, the update written to the set of the next
        private card (``update_infoset="next_card"``).

    Returns
    -------
    LocalOMDResult

    Examples
    --------
    >>> g = kuhn_poker()
    >>> r = local_omd(g, 20000, checkpoints=[200, 20000], seed=0)
    >>> bool(r.exploitability[1] < r.exploitability[0] < exploitability(g, uniform_policy(g)))
    True
    """
    T = check_int("T", T, min_value=1)
    cps = np.array([T] if checkpoints is None else sorted(checkpoints), dtype=np.int64)
    if cps.size == 0 or cps[0] < 1 or cps[-1] > T:
        raise InvalidArgument(f"checkpoints={cps.tolist()}, expected counts in [1, T={T}]")
    eta = check_real("eta", eta, lower=0.0, lower_open=True)
    lr_power = check_real("lr_power", lr_power, lower=0.0)
    step_sign = check_real("step_sign", step_sign)
    check_choice("update_infoset", update_infoset, ("own", "next_card"))
    rng = as_generator(seed)
    depth = int(_max_depth(game))
    U = rng.random((T, depth))
    mu = balanced_policy(game)
    init = np.where(mu > 0, np.log(np.where(mu > 0, mu, 1.0)), -np.inf)
    target = (np.arange(game.n_infosets) if update_infoset == "own"
              else _next_card_map(game))
    out0 = np.empty((cps.size, game.n_sequences[0]))
    out1 = np.empty((cps.size, game.n_sequences[1]))
    last0, last1 = np.empty_like(out0), np.empty_like(out1)
    pol = np.zeros((game.n_infosets, game.max_actions))
    term = game.payoff[game.kind == 2]
    _local_omd_kernel(game.kind, game.children, game.n_actions, game.chance, game.infoset,
                      game.payoff, float(term.min()), float(term.max()), game.iset_player,
                      game.iset_n_actions, game.iset_parent, game.iset_seq, mu, init, U, cps,
                      eta, lr_power, bool(importance), step_sign, bool(stabilize),
                      bool(propagate), target, out0, out1, last0, last1, pol)
    A = game.payoff_matrix()
    expl = np.array([_exploitability_plans(game, A, out0[i], out1[i])
                     for i in range(cps.size)])
    last = np.array([_exploitability_plans(game, A, last0[i], last1[i])
                     for i in range(cps.size)])
    return LocalOMDResult(checkpoints=cps, exploitability=expl, last_exploitability=last,
                          plans=(out0, out1), last_plans=(last0, last1), policy=pol,
                          params={"eta": eta, "lr_power": lr_power, "importance": importance,
                                  "step_sign": step_sign, "stabilize": stabilize,
                                  "propagate": propagate,
                                  "update_infoset": update_infoset})


def _max_depth(game: ExtensiveFormGame) -> int:
    depth = np.zeros(game.kind.size, dtype=np.int64)
    best = 0
    for n in range(game.kind.size):        # parents are numbered before their children
        for a in range(game.n_actions[n]):
            depth[game.children[n, a]] = depth[n] + 1
        best = max(best, int(depth[n]))
    return best


def plan_to_policy(game: ExtensiveFormGame, q0: Any, q1: Any) -> np.ndarray:
    """Behavioural policy of the realization plans ``q0``, ``q1`` (uniform where a set is
    never reached).

    Examples
    --------
    >>> g = kuhn_poker()
    >>> pol = balanced_policy(g)
    >>> back = plan_to_policy(g, realization_plan(g, pol, 0), realization_plan(g, pol, 1))
    >>> bool(np.allclose(back, pol))
    True
    """
    plans = (np.asarray(q0, float), np.asarray(q1, float))
    for p in (0, 1):
        if plans[p].shape != (game.n_sequences[p],):
            raise InvalidArgument(f"q{p} has shape {plans[p].shape}, expected "
                                  f"({game.n_sequences[p]},)")
    pol = uniform_policy(game)
    for x in range(game.n_infosets):
        q = plans[game.iset_player[x]]
        s, k = game.iset_seq[x], game.iset_n_actions[x]
        tot = q[s:s + k].sum()
        if tot > 0:
            pol[x, :k] = q[s:s + k] / tot
    return pol
