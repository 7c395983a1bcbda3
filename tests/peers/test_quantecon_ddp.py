"""QuantEcon's ``quantecon/markov/tests/test_ddp.py`` (QuantEcon/QuantEcon.py), ported.

Every test names the peer test it ports. Expected numbers are the peer's (closed forms
from Puterman 2005 as the peer writes them), checked here against exact rational
values where the peer compares floats. QuantEcon's three formulations are built the
provable way: product form with ``R = -inf`` for an infeasible action
(:meth:`TabularMDP.from_quantecon` on a stand-in object with the same attributes; the
real ``DiscreteDP`` is not needed), state-action pairs with sparse ``Q`` and with dense
``Q`` (:meth:`TabularMDP.from_state_action`).

Where the two libraries differ on purpose the test says so and checks provable's
behaviour: QuantEcon's LP refuses sparse models (provable solves them); QuantEcon's
``ddp.Q`` can be rebound (a provable model is immutable); QuantEcon accepts ``v_init``
for LP and ignores it (provable's LP has no starting value).

Not ported: ``test_operator_iteration_num_iter`` (QuantEcon's internal
``operator_iteration`` helper has no provable counterpart; its ``max_iter <= 0`` half is
``test_ddp_nonpositive_max_iter_error`` below).
"""

from __future__ import annotations

import pickle
from fractions import Fraction
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sparse

import provable as pv
from provable.errors import NotSupported, ProvableError

PEER = "quantecon/markov/tests/test_ddp.py"   # test_ddp.py:: below means this file


def product(R, Q, beta):
    """QuantEcon's product form DiscreteDP(R, Q, beta), read by from_quantecon."""
    return pv.TabularMDP.from_quantecon(SimpleNamespace(R=R, Q=Q, beta=beta, s_indices=None))


def sa(R, Q, beta, s_indices, a_indices, **kw):
    return pv.TabularMDP.from_state_action(R, Q, beta, s_indices, a_indices, **kw)


# ---------------------------------------------------------------- TestDiscreteDP
BETA = 0.95
EPS = 1e-2
B = Fraction(BETA)   # the float 0.95 exactly: the model solved is the float one
# Analytical solution for beta > 10/11, Puterman Example 6.2.1 (the peer's setup_method)
V_STAR_EXACT = [(5 - Fraction(11, 2) * B) / ((1 - B / 2) * (1 - B)), -1 / (1 - B)]
V_STAR = np.array([float(v) for v in V_STAR_EXACT])
SIGMA_STAR = [0, 0]


def puterman_ddps():
    """TestDiscreteDP.setup_method: ddp0 (product, R=-inf), ddp_sa_sparse, ddp_sa_dense."""
    n = 2
    R = [[5, 10], [-1, -np.inf]]
    Q = np.empty((n, 2, n))
    Q[0, 0, :] = 0.5, 0.5
    Q[0, 1, :] = 0, 1
    Q[1, :, :] = 0, 1
    s_indices, a_indices = [0, 0, 1], [0, 1, 0]
    R_sa = [R[0][0], R[0][1], R[1][0]]
    Q_sa = sparse.lil_matrix((3, n))
    Q_sa[0, :] = Q[0, 0, :]
    Q_sa[1, :] = Q[0, 1, :]
    Q_sa[2, :] = Q[1, 0, :]
    return [product(R, Q, BETA), sa(R_sa, Q_sa, BETA, s_indices, a_indices),
            sa(R_sa, Q_sa.toarray(), BETA, s_indices, a_indices)]


DDPS = puterman_ddps()
IDS = ["product", "sa_sparse", "sa_dense"]


def test_setup_v_star_is_the_fixed_point():
    """The peer's closed form is the exact fixed point (checked in rationals)."""
    v0, v1 = V_STAR_EXACT
    assert v0 == max(5 + B * (v0 + v1) / 2, 10 + B * v1)
    assert v1 == -1 + B * v1
    assert all(m.feasible.tolist() == [[True, True], [True, False]] for m in DDPS)
    assert [m.sparse for m in DDPS] == [False, True, False]


def _check_eps_half(res, tol):
    assert np.abs(res.V - V_STAR).max() < EPS / 2
    assert np.abs(res.V - V_STAR).max() <= res.error_bound <= tol
    assert res.policy.tolist() == SIGMA_STAR


@pytest.mark.parametrize("mdp", DDPS, ids=IDS)
def test_value_iteration(mdp):
    """test_ddp.py::TestDiscreteDP::test_value_iteration (epsilon=1e-2, max_iter=200, v_init=[0, 0])."""
    for kw in ({}, {"V0": [0, 0]}):
        res = pv.solve(mdp, "vi", tol=EPS / 2, max_iter=200, **kw)
        _check_eps_half(res, EPS / 2)
    gs = pv.solve(mdp, "vi", tol=EPS / 2, max_iter=200, gauss_seidel=True) if not mdp.sparse \
        else None
    if gs is not None:
        _check_eps_half(gs, EPS / 2)


@pytest.mark.parametrize("mdp", DDPS, ids=IDS)
def test_policy_iteration(mdp):
    """test_ddp.py::TestDiscreteDP::test_policy_iteration; v_init=[0, 1] becomes the policy
    greedy for it, which is what QuantEcon's policy iteration starts from."""
    v_init = np.array([0.0, 1.0])
    start = pv.solvers.greedy(pv.solvers.q_from_v(mdp, v_init))
    for kw in ({}, {"policy0": start}, {"V0": v_init}):
        res = pv.solve(mdp, "pi", **kw)
        assert res.V == pytest.approx(V_STAR, rel=1e-7)      # assert_allclose's rtol
        assert np.abs(res.V - V_STAR).max() <= res.error_bound < 1e-12
        assert res.policy.tolist() == SIGMA_STAR
    ex = pv.solve(mdp, "exact")
    assert list(ex.V_exact) == V_STAR_EXACT


@pytest.mark.parametrize("mdp", DDPS, ids=IDS)
def test_modified_policy_iteration(mdp):
    """test_ddp.py::TestDiscreteDP::test_modified_policy_iteration (epsilon=1e-2); the
    ``v_init=[0, 1]`` run is test_mpi_v_init below."""
    res = pv.solve(mdp, "mpi", tol=EPS / 2)
    _check_eps_half(res, EPS / 2)


@pytest.mark.parametrize("mdp", DDPS, ids=IDS)
def test_mpi_v_init(mdp):
    """test_ddp.py::TestDiscreteDP::test_modified_policy_iteration, the ``v_init=[0, 1]`` run."""
    res = pv.solve(mdp, "mpi", tol=EPS / 2, V0=[0, 1])
    _check_eps_half(res, EPS / 2)


@pytest.mark.parametrize("mdp", DDPS, ids=IDS)
def test_modified_policy_iteration_k0(mdp):
    """test_ddp.py::TestDiscreteDP::test_modified_policy_iteration_k0: QuantEcon's k partial
    evaluation sweeps after the greedy step are provable's m = k + 1."""
    res = pv.solve(mdp, "mpi", tol=EPS / 2, m=1)
    _check_eps_half(res, EPS / 2)


@pytest.mark.parametrize("mdp", DDPS, ids=IDS)
def test_linear_programming(mdp):
    """test_ddp.py::TestDiscreteDP::test_linear_programming. QuantEcon raises
    NotImplementedError on sparse models; provable's LP solves them, so the sparse case
    checks the solution instead. QuantEcon ignores ``v_init`` for LP; provable's LP
    takes no starting value, so the second run is the same LP."""
    res = pv.solve(mdp, "lp")
    assert res.V == pytest.approx(V_STAR, rel=1e-7)
    assert np.abs(res.V - V_STAR).max() <= res.error_bound
    assert res.policy.tolist() == SIGMA_STAR and res.converged


# ---------------------------------------------------------------- module-level tests
def _beta0_forms():
    n, m = 3, 2
    R = np.array([[0, 1], [1, 0], [0, 1]])
    Q = np.full((n, m, n), 1 / n)
    s, a = np.divmod(np.arange(n * m), m)
    return [product(R, Q, 0), sa(R.ravel(), sparse.csr_matrix(Q.reshape(6, 3)), 0, s, a),
            sa(R.ravel(), Q.reshape(6, 3), 0, s, a)]


@pytest.mark.parametrize("mdp", _beta0_forms(), ids=IDS)
@pytest.mark.parametrize("method", ["vi", "pi", "mpi", "lp"])
def test_ddp_beta_0(mdp, method):
    """test_ddp.py::test_ddp_beta_0: sigma* = [1, 0, 1], v* = [1, 1, 1] exactly (beta = 0).
    QuantEcon's LP refuses the sparse forms; provable's solves them."""
    kw = {"V0": [0, 0, 0]} if method == "vi" else {}
    res = pv.solve(mdp, method, **kw)
    assert res.policy.tolist() == [1, 0, 1]
    assert res.V.tolist() == [1.0, 1.0, 1.0]      # assert_array_equal: exactly


def test_ddp_sorting():
    """test_ddp.py::test_ddp_sorting: shuffled pairs are sorted, dense and sparse Q."""
    beta = 0.95
    s_indices, a_indices, a_indptr = [0, 0, 1], [0, 1, 0], [0, 2, 3]
    R = [0, 1, 2]
    Q = [(1, 0), (1 / 2, 1 / 2), (0, 1)]
    s_sh, a_sh = [0, 1, 0], [0, 0, 1]
    R_sh = [0, 2, 1]
    Q_sh = [(1, 0), (0, 1), (1 / 2, 1 / 2)]
    models = [sa(R, Q, beta, s_indices, a_indices),
              sa(R, sparse.csr_matrix(Q), beta, s_indices, a_indices),
              sa(R_sh, Q_sh, beta, s_sh, a_sh),
              sa(R_sh, sparse.csr_matrix(Q_sh), beta, s_sh, a_sh)]
    for m in models:
        R2, Q2, b2, s2, a2 = m.to_state_action()
        assert s2.tolist() == s_indices and a2.tolist() == a_indices
        assert [0, *np.cumsum(m.feasible.sum(axis=1)).tolist()] == a_indptr
        assert R2.tolist() == R and b2 == beta
        assert (Q2.toarray() if sparse.issparse(Q2) else Q2).tolist() == [list(q) for q in Q]


def test_backward_induction():
    """test_ddp.py::TestFiniteHorizon::test_backward_induction (Puterman 2005, Sections 3.2 and
    4.6.1, single-product stochastic inventory control; beta = 1, T = 3)."""
    s_indices = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3]
    a_indices = [0, 1, 2, 3, 0, 1, 2, 0, 1, 0]
    R = [0., -1., -2., -5., 5., 0., -3., 6., -1., 5.]
    Q = [[1., 0., 0., 0.], [0.75, 0.25, 0., 0.], [0.25, 0.5, 0.25, 0.], [0., 0.25, 0.5, 0.25],
         [0.75, 0.25, 0., 0.], [0.25, 0.5, 0.25, 0.], [0., 0.25, 0.5, 0.25],
         [0.25, 0.5, 0.25, 0.], [0., 0.25, 0.5, 0.25], [0., 0.25, 0.5, 0.25]]
    vs_expected = [[Fraction(67, 16), Fraction(129, 16), Fraction(194, 16), Fraction(227, 16)],
                   [2, Fraction(25, 4), 10, Fraction(21, 2)], [0, 5, 6, 5], [0, 0, 0, 0]]
    sigmas_expected = [[3, 0, 0, 0], [2, 0, 0, 0], [0, 0, 0, 0]]
    for Qf in (Q, sparse.csr_matrix(Q)):
        mdp = sa(R, Qf, 1.0, s_indices, a_indices, horizon=3)
        res = pv.solve(mdp, "bi")
        exp = np.array([[float(v) for v in row] for row in vs_expected])
        assert res.V == pytest.approx(exp, rel=1e-7, abs=1e-12)
        assert np.abs(res.V - exp).max() <= max(res.error_bound, 0.0) + 1e-12
        assert res.policy.tolist() == sigmas_expected
    ddp = SimpleNamespace(R=R, Q=Q, beta=1, s_indices=s_indices, a_indices=a_indices)
    assert pv.solve(pv.TabularMDP.from_quantecon(ddp, horizon=3), "bi").policy.tolist() == \
        sigmas_expected


def test_ddp_negative_inf_error():
    """test_ddp.py::test_ddp_negative_inf_error: a state whose every reward is -inf."""
    n, m = 3, 2
    R = np.array([[0, 1], [0, -np.inf], [-np.inf, -np.inf]])
    Q = np.full((n, m, n), 1 / n)
    s_indices, a_indices = [0, 0, 1, 1, 2, 2], [0, 1, 0, 1, 0, 1]
    pattern = "every action of state 2 has reward -inf"
    with pytest.raises(ValueError, match=pattern):
        product(R, Q, 0.95)
    for Qf in (Q.reshape(6, 3), sparse.csr_matrix(Q.reshape(6, 3))):
        with pytest.raises(ValueError, match=pattern) as info:
            sa(R.reshape(6), Qf, 0.95, s_indices, a_indices)
        assert isinstance(info.value, ProvableError)


def test_ddp_no_feasible_action_error():
    """test_ddp.py::test_ddp_no_feasible_action_error: no pair for state 1."""
    Q = [(1 / 3, 1 / 3, 1 / 3)] * 4
    with pytest.raises(ValueError, match="state 1 has no action"):
        sa([1, 0, 0, 1], Q, 0.95, [0, 0, 2, 2], [0, 1, 0, 1])


def test_ddp_no_feasible_action_error_trailing_state():
    """test_ddp.py::test_ddp_no_feasible_action_error_trailing_state: no pair for the last state,
    sorted and unsorted indices."""
    Q = [(1 / 3, 1 / 3, 1 / 3)] * 4
    for s, a in (([0, 0, 1, 1], [0, 1, 0, 1]), ([1, 0, 1, 0], [0, 0, 1, 1])):
        with pytest.raises(ValueError, match="state 2 has no action"):
            sa([1, 0, 0, 1], Q, 0.95, s, a)


def test_ddp_duplicate_sa_pair_error():
    """test_ddp.py::test_ddp_duplicate_sa_pair_error: pair (1, 0) twice, dense and sparse Q."""
    Q = [(0.5, 0.5), (1., 0.), (0.25, 0.75), (0.6, 0.4)]
    for Qf in (Q, sparse.csr_matrix(Q)):
        with pytest.raises(ValueError, match=r"pair \(s=1, a=0\) appears twice, at "
                                             r"positions 0 and 1"):
            sa([1., 2., 3., 4.], Qf, 0.95, [1, 1, 0, 0], [0, 0, 0, 1])


def test_ddp_out_of_range_indices_error():
    """test_ddp.py::test_ddp_out_of_range_indices_error: state 2 with 2 states, negative indices."""
    R, Q = [1.0, 2.0], [(1.0, 0.0), (0.0, 1.0)]
    for Qf in (Q, sparse.csr_matrix(Q)):
        with pytest.raises(ValueError, match=r"s_indices\[1\] = 2, expected a state in \[0, 2\)"):
            sa(R, Qf, 0.95, [0, 2], [0, 0])
    with pytest.raises(ValueError, match=r"s_indices\[0\] = 2"):
        sa(R, Q, 0.95, [2, 0], [0, 0])
    with pytest.raises(ValueError, match=r"s_indices\[0\] = -1"):
        sa(R, Q, 0.95, [-1, 0], [0, 0])
    with pytest.raises(ValueError, match=r"a_indices\[1\] = -1"):
        sa(R, Q, 0.95, [0, 1], [0, -1])


@pytest.mark.parametrize("method", ["vi", "pi", "mpi", "lp"])
@pytest.mark.parametrize("max_iter", [0, -1])
def test_ddp_nonpositive_max_iter_error(method, max_iter):
    """test_ddp.py::test_ddp_nonpositive_max_iter_error: max_iter in {0, -1} is a ValueError
    (a ProvableError naming max_iter)."""
    mdp = product([[0, 1], [1, 0]], np.full((2, 2, 2), 0.5), 0.95)
    with pytest.raises(ValueError, match="max_iter") as info:
        pv.solve(mdp, method, max_iter=max_iter)
    assert isinstance(info.value, ProvableError)


def test_ddp_non_c_contiguous_Q():
    """test_ddp.py::test_ddp_non_c_contiguous_Q: a Fortran-ordered Q gives the same Bellman
    backup, greedy policy and solutions as the C-ordered one."""
    n, m = 20, 5
    rs = np.random.RandomState(12345)
    R = rs.random_sample((n, m))
    Q = rs.random_sample((n, m, n))
    Q /= Q.sum(axis=2, keepdims=True)
    mdp_c = pv.TabularMDP(Q, R, gamma=0.95)
    mdp_f = pv.TabularMDP(np.asfortranarray(Q), R, gamma=0.95)
    v = rs.random_sample(n)
    Tv = (R + 0.95 * np.einsum("saj,j->sa", Q, v))
    for mdp in (mdp_c, mdp_f):
        q = pv.solvers.q_from_v(mdp, v)
        assert q == pytest.approx(Tv, rel=1e-13)
        assert pv.solvers.greedy(q).tolist() == Tv.argmax(axis=1).tolist()
    for method in ["vi", "pi", "mpi"]:
        rc, rf = pv.solve(mdp_c, method), pv.solve(mdp_f, method)
        assert rf.policy.tolist() == rc.policy.tolist()
        assert rf.V == pytest.approx(rc.V, rel=1e-7)


def test_ddp_Q_rebinding():
    """test_ddp.py::test_ddp_Q_rebinding. QuantEcon lets ``ddp.Q`` be rebound and its Bellman
    operator must follow; a provable model is immutable after validation, so rebinding
    is refused and a new model carries Q2, whose backup is checked by hand."""
    n = 3
    R = np.arange(n * 2, dtype=float).reshape(n, 2)
    Q1 = np.tile([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], (n, 1, 1))
    Q2 = np.tile([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], (n, 1, 1))
    v = np.array([1., 2., 3.])
    mdp = pv.TabularMDP(Q1, R, gamma=0.9)
    with pytest.raises(AttributeError):
        mdp.P = Q2
    with pytest.raises(ValueError):
        mdp.P[...] = Q2
    by_hand = np.array([[0 + 0.9, 1 + 2.7], [2 + 0.9, 3 + 2.7], [4 + 0.9, 5 + 2.7]])
    assert pv.solvers.q_from_v(pv.TabularMDP(Q2, R, gamma=0.9), v) == pytest.approx(by_hand)


def test_ddp_picklable():
    """test_ddp.py::test_ddp_picklable: models survive pickling (all three forms)."""
    for mdp in DDPS:
        mdp2 = pickle.loads(pickle.dumps(mdp))
        r1, r2 = pv.solve(mdp, "pi"), pv.solve(mdp2, "pi")
        assert r2.V.tolist() == r1.V.tolist() and r2.policy.tolist() == r1.policy.tolist()
        assert mdp2.feasible.tolist() == mdp.feasible.tolist()


def test_ddp_beta_1_not_implemented_error():
    """test_ddp.py::test_ddp_beta_1_not_implemented_error: beta = 1 has no discounted solution.
    provable raises NotSupported (a NotImplementedError) from the DiscreteDP and
    refuses gamma = 1 without a horizon."""
    R = np.array([[0, 1], [1, 0], [0, 1]])
    Q = np.full((3, 2, 3), 1 / 3)
    with pytest.raises(NotImplementedError) as info:
        pv.TabularMDP.from_quantecon(SimpleNamespace(R=R, Q=Q, beta=1, s_indices=None))
    assert isinstance(info.value, NotSupported)
    s, a = np.divmod(np.arange(6), 2)
    for Qf in (Q.reshape(6, 3), sparse.csr_matrix(Q.reshape(6, 3))):
        with pytest.raises(NotImplementedError):
            pv.TabularMDP.from_quantecon(SimpleNamespace(R=R.ravel(), Q=Qf, beta=1,
                                                         s_indices=s, a_indices=a))
    with pytest.raises(ValueError, match="gamma"):
        pv.TabularMDP(Q, R, gamma=1)


def test_ddp_to_sa_and_to_product():
    """test_ddp.py::test_ddp_to_sa_and_to_product: the pair form of a product model with an
    infeasible action, and equal solutions (V, policy, iteration count) across forms.
    QuantEcon's to_product_form writes zero rows and -inf at infeasible pairs; a provable
    model holds dominated stand-ins there (``feasible`` marks them), so the product
    side is checked through ``feasible`` and the feasible rows."""
    n, m = 3, 2
    R = np.array([[0, 1], [1, 0], [-np.inf, 1]])
    Q = np.full((n, m, n), 1 / n)
    Q[0, 0, 0] = 0
    Q[0, 0, 1] = 2 / n
    sparse_R = np.array([0, 1, 1, 0, 1])
    _Q = np.full((5, 3), 1 / 3)
    _Q[0, 0] = 0
    _Q[0, 1] = 2 / n
    ddp = product(R, Q, 0.95)
    R_sa, Q_sa, beta, s_i, a_i = ddp.to_state_action()
    assert R_sa.tolist() == sparse_R.tolist() and beta == 0.95
    assert np.abs(Q_sa - _Q).max() < 1e-15
    ddp_sa = sa(R_sa, sparse.csr_matrix(Q_sa), beta, s_i, a_i)
    ddp_sa2 = sa(*ddp_sa.to_state_action())
    ddp_sa3 = sa(R_sa, Q_sa, beta, s_i, a_i)
    for d in (ddp_sa, ddp_sa2, ddp_sa3):
        R2, Q2, b2, _, _ = d.to_state_action()
        assert R2.tolist() == sparse_R.tolist() and b2 == 0.95
        assert np.abs((Q2.toarray() if sparse.issparse(Q2) else Q2) - _Q).max() < 1e-15
        assert d.feasible.tolist() == [[True, True], [True, True], [False, True]]
    for method in ["pi", "vi", "mpi"]:
        sol1 = pv.solve(ddp, method)
        for other in (ddp_sa, ddp_sa2, ddp_sa3):
            sol2 = pv.solve(other, method)
            assert sol2.V == pytest.approx(sol1.V, rel=1e-7)
            assert sol2.policy.tolist() == sol1.policy.tolist()
            assert sol2.iterations == sol1.iterations
        assert sol1.policy[2] == 1   # never the infeasible action
