"""Any-order models on enumerable token spaces: the absorbing process and its concrete
score, the diffusion losses against the any-order NLL, and ASSD's exact output."""

import itertools
import math

import numpy as np
import pytest

from provable.errors import InvalidArgument
from provable.learners.generative import any_order as ao

P2 = np.array([[0.1, 0.2], [0.3, 0.4]])   # p(x0, x1)


# ---------------------------------------------------------------------------
# conditionals and the forward process

def test_clean_conditional_by_hand():
    assert np.allclose(ao.clean_conditional(P2, 0, (-1, -1)), [0.3, 0.7])
    assert np.allclose(ao.clean_conditional(P2, 1, (-1, -1)), [0.4, 0.6])
    assert np.allclose(ao.clean_conditional(P2, 1, (0, -1)), [1 / 3, 2 / 3])
    assert np.allclose(ao.clean_conditional(P2, 0, (-1, 1)), [1 / 3, 2 / 3])
    assert np.allclose(ao.clean_conditional(P2, 0, (1, 1)), [1 / 3, 2 / 3])  # own value ignored


def _brute_noised(p, sb):
    """p_t(x_t) = sum_x0 p(x0) prod_i q(x_t^i | x0^i), by explicit loops."""
    V, d = p.shape[0], p.ndim
    keep = math.exp(-sb)
    out = np.zeros((V + 1,) * d)
    for xt in itertools.product(range(V + 1), repeat=d):
        tot = 0.0
        for x0 in itertools.product(range(V), repeat=d):
            w = p[x0]
            for a, b in zip(xt, x0):
                w *= (1 - keep) if a == V else (keep if a == b else 0.0)
            tot += w
        out[xt] = tot
    return out


def test_absorbing_marginal_matches_brute_force_and_sums_to_one():
    p = ao.random_joint(3, 3, seed=4)
    pt = ao.absorbing_marginal(p, 0.7)
    assert np.allclose(pt, _brute_noised(p, 0.7), rtol=1e-13, atol=0)
    assert abs(pt.sum() - 1) < 1e-13
    # all masked with probability (1 - e^{-sigma_bar})^d
    assert abs(pt[3, 3, 3] - (1 - math.exp(-0.7)) ** 3) < 1e-15


def test_concrete_score_equals_scaled_clean_conditional_by_brute_force():
    p = ao.random_joint(2, 3, seed=7, concentration=0.4)
    sb = 1.3
    pt = _brute_noised(p, sb)
    scalar = math.exp(-sb) / (1 - math.exp(-sb))
    lhs = ao.concrete_scores(p, sb)
    for xt in itertools.product(range(3), repeat=3):
        for i in range(3):
            if xt[i] != 2:
                continue
            um = [j for j in range(3) if j != i and xt[j] != 2]
            for v in range(2):
                hat = xt[:i] + (v,) + xt[i + 1:]
                ratio = pt[hat] / pt[xt]
                # p0(v | x^UM) by summing p over the other masked positions
                num = sum(p[x] for x in itertools.product(range(2), repeat=3)
                          if x[i] == v and all(x[j] == xt[j] for j in um))
                den = sum(p[x] for x in itertools.product(range(2), repeat=3)
                          if all(x[j] == xt[j] for j in um))
                assert ratio == pytest.approx(scalar * num / den, rel=1e-12)
                assert lhs[i][hat] == pytest.approx(ratio, rel=1e-12)


def test_radd_scores_agree_and_the_mutants_do_not():
    p = ao.random_joint(3, 3, seed=1)
    sb, s = (float(v) for v in ao.loglinear_noise(0.3))
    lhs = ao.concrete_scores(p, sb)
    rhs = ao.radd_scores(p, sb, s)
    assert max(np.max(np.abs(a / b - 1)) for a, b in zip(lhs, rhs)) < 1e-13
    for m in ("scalar_rate", "scalar_no_numerator", "noised_conditional", "bare_conditional"):
        bad = ao.radd_scores(p, sb, s, m)
        assert max(np.max(np.abs(a / b - 1)) for a, b in zip(lhs, bad)) > 1e-3, m


def test_loglinear_schedule_masks_a_fraction_linear_in_t():
    sb, s = ao.loglinear_noise(np.array([0.2, 0.6]), eps=1e-3)
    assert np.allclose(-np.expm1(-sb), (1 - 1e-3) * np.array([0.2, 0.6]))
    # the rate is the derivative of the total noise
    h = 1e-6
    num = (ao.loglinear_noise(0.6 + h)[0] - ao.loglinear_noise(0.6 - h)[0]) / (2 * h)
    assert float(num) == pytest.approx(float(s[1]), rel=1e-7)


# ---------------------------------------------------------------------------
# losses

def _hand_table():
    """A two-position model that is the conditional table of no joint."""
    t = {(0, (-1, -1)): [0.2, 0.8], (1, (-1, -1)): [0.5, 0.5],
         (0, (-1, 0)): [0.9, 0.1], (0, (-1, 1)): [0.3, 0.7],
         (1, (0, -1)): [0.6, 0.4], (1, (1, -1)): [0.25, 0.75]}

    def c(i, ctx):
        ctx = tuple(-1 if j == i else v for j, v in enumerate(ctx))
        return np.array(t[(i, ctx)])
    return c


def test_losses_by_hand_on_two_tokens():
    c = _hand_table()
    x = (1, 0)
    # two orders: (0 then 1) and (1 then 0)
    nll01 = -math.log(0.8) - math.log(0.25)
    nll10 = -math.log(0.5) - math.log(0.1)
    assert ao.fixed_order_nll(c, x, [0, 1]) == pytest.approx(nll01, abs=1e-15)
    assert ao.ao_arm_nll(c, x) == pytest.approx((nll01 + nll10) / 2, abs=1e-15)
    # lambda-DCE: masks {0}, {1}, {0,1} carry weights int lambda^{k-1}(1-lambda)^{2-k} = 1/2
    lam = 0.5 * (-math.log(0.1)) + 0.5 * (-math.log(0.25)) \
        + 0.5 * (-math.log(0.8) - math.log(0.5))
    for f in (ao.lambda_dce, ao.k_dce, ao.t_dse):
        assert f(c, x) == pytest.approx(lam, abs=1e-13), f.__name__
    assert lam == pytest.approx(ao.ao_arm_nll(c, x), abs=1e-15)
    assert abs(nll01 - lam) > 0.1                         # one order is not enough


@pytest.mark.parametrize("V,d", [(2, 4), (3, 3)])
def test_losses_equal_the_any_order_nll_for_an_arbitrary_table(V, d):
    c = ao.table_conditionals(V, d, seed=11)
    for x in itertools.product(range(V), repeat=d):
        a = ao.ao_arm_nll(c, x)
        assert ao.lambda_dce(c, x) == pytest.approx(a, rel=1e-12)
        assert ao.k_dce(c, x) == pytest.approx(a, rel=1e-12)
        assert ao.t_dse(c, x) == pytest.approx(a, rel=1e-12)


def test_exact_conditionals_give_minus_log_p_in_every_order():
    p = ao.random_joint(3, 3, seed=5)
    c = ao.joint_conditionals(p)
    for x in itertools.product(range(3), repeat=3):
        for order in itertools.permutations(range(3)):
            assert ao.fixed_order_nll(c, x, order) == pytest.approx(-math.log(p[x]), rel=1e-12)


@pytest.mark.parametrize("m", ["no_inverse_lambda", "mask_prob_complement", "dse_const_dropped",
                               "kdce_missing_d"])
def test_loss_mutants_break_the_identity(m):
    c = ao.table_conditionals(2, 3, seed=2)
    x = (0, 1, 1)
    a = ao.ao_arm_nll(c, x)
    vals = [ao.lambda_dce(c, x, mutation=m), ao.k_dce(c, x, mutation=m),
            ao.t_dse(c, x, mutation=m)]
    assert max(abs(v - a) for v in vals) > 1e-3


def test_table_conditionals_are_fixed_and_ignore_the_own_position():
    c1, c2 = ao.table_conditionals(3, 3, seed=9), ao.table_conditionals(3, 3, seed=9)
    assert np.array_equal(c1(1, (0, -1, 2)), c2(1, (0, -1, 2)))
    assert np.array_equal(c1(1, (0, 1, 2)), c1(1, (0, -1, 2)))
    assert not np.allclose(c1(1, (0, -1, 2)), c1(1, (1, -1, 2)))


# ---------------------------------------------------------------------------
# ASSD

def test_oracle_counts_one_call_per_parallel_batch():
    o = ao.AnySubsetOracle(P2)
    o.parallel([(0, (-1, -1)), (1, (-1, -1)), (1, (0, -1))])
    o.parallel([(1, (1, -1))])
    assert o.calls == 2


def test_two_tokens_by_hand():
    # k = 2, order (0, 1): draft x0 ~ p(x0) (exact) and x1 ~ p(x1), verify p(x1 | x0):
    # always two calls for two tokens. With k = 1: draft + verify, then the last draft.
    out = ao.assd_distribution(P2, [0, 1], k=2)
    assert out.tv < 1e-15 and out.expected_calls == pytest.approx(2.0)
    assert out.max_excess_calls == 0
    one = ao.assd_distribution(P2, [0, 1], k=1)
    assert one.tv < 1e-15 and one.expected_calls == pytest.approx(3.0)
    assert one.max_excess_calls == 1


def test_marginal_draft_output_by_hand():
    # order (1, 0), explicit draft = marginals: q(x1) = p(x1) is exact, so only x0 is
    # ever rejected; the output is still p.
    out = ao.assd_distribution(P2, [1, 0], k=2, draft="marginals")
    assert np.allclose(out.dist, P2.ravel(), atol=1e-15)
    assert out.expected_calls == pytest.approx(1.0)


@pytest.mark.parametrize("V,d,k,draft", [(3, 4, 2, "self"), (2, 5, 3, "self"),
                                         (3, 4, 3, "marginals")])
def test_exact_output_is_the_joint_and_calls_are_bounded(V, d, k, draft):
    p = ao.random_joint(V, d, seed=V * 10 + d)
    order = list(np.random.default_rng(d).permutation(d))
    out = ao.assd_distribution(p, order, k, draft=draft)
    assert abs(out.dist.sum() - 1) < 1e-13
    assert np.abs(out.dist - p.ravel()).max() < 1e-13
    assert out.max_excess_calls <= 0


def test_prompted_output_is_the_conditional():
    p = ao.random_joint(2, 4, seed=3)
    out = ao.assd_distribution(p, [2, 0, 3, 1], k=3, prompt=[-1, -1, 1, -1])
    cond = np.zeros_like(p)
    cond[:, :, 1, :] = p[:, :, 1, :] / p[:, :, 1, :].sum()
    assert np.abs(out.dist - cond.ravel()).max() < 1e-14
    assert out.tokens == 3 and out.max_excess_calls <= 0


def test_sampler_frequencies_match_the_exact_distribution():
    p = ao.random_joint(2, 3, seed=8)
    order, k = [1, 2, 0], 3
    exact = ao.assd_distribution(p, order, k).dist
    rng = np.random.default_rng(0)
    n = 6000
    counts = np.zeros(8)
    for _ in range(n):
        x, calls = ao.assd_sample(p, order, k, seed=rng)
        assert calls <= 3
        counts[np.ravel_multi_index(x, (2, 2, 2))] += 1
    sd = np.sqrt(exact * (1 - exact) / n)
    assert np.all(np.abs(counts / n - exact) <= 5 * sd + 1e-12)


@pytest.mark.parametrize("m", ["accept_q_over_p", "resample_from_target", "rejected_token_kept",
                               "verify_loop_off_by_one", "no_verification"])
def test_assd_mutants_change_the_output(m):
    p = ao.random_joint(3, 4, seed=1)
    out = ao.assd_distribution(p, [2, 0, 3, 1], k=3, mutation=m)
    assert out.tv > 1e-3


def test_verify_last_token_costs_one_call_too_many():
    p = ao.random_joint(2, 3, seed=2)
    good = ao.assd_distribution(p, [0, 1, 2], k=2)
    bad = ao.assd_distribution(p, [0, 1, 2], k=2, mutation="verify_last_token")
    assert good.expected_calls == pytest.approx(3.0) and good.max_excess_calls == 0
    assert bad.expected_calls == pytest.approx(4.0) and bad.max_excess_calls == 1
    assert bad.tv < 1e-14                       # the output is still exact


@pytest.mark.parametrize("kwargs", [{"order": [0, 0, 1]}, {"order": [0, 1]},
                                    {"prompt": [0, -1, -1]}, {"k": 0},
                                    {"prompt": [-1, -1]}])
def test_invalid_arguments(kwargs):
    p = ao.random_joint(2, 3, seed=0)
    args = {"order": [1, 0, 2], "k": 2, **kwargs}
    with pytest.raises(InvalidArgument):
        ao.assd_distribution(p, **args)


def test_invalid_joint():
    with pytest.raises(InvalidArgument):
        ao.absorbing_marginal(np.array([0.5, 0.6]), 1.0)
    with pytest.raises(InvalidArgument):
        ao.absorbing_marginal(np.ones((2, 3)) / 6, 1.0)
