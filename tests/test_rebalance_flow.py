"""The min-cost transportation solver against HiGHS on random instances with forbidden pairs and shortfalls."""

from __future__ import annotations

import numpy as np
import pytest

from matching.rebalance.flow import greedy_transport, min_cost_transport, objective, penalty_for
from tests.rebalance_lp import lp_objective


def _instance(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ns, nd = int(rng.integers(1, 30)), int(rng.integers(1, 20))
    supply = rng.integers(0, 60, ns)
    demand = rng.integers(1, 80, nd)
    cost = rng.integers(0, 2700, (ns, nd))
    allowed = rng.random((ns, nd)) < rng.uniform(0.1, 0.9)
    return supply, demand, cost, allowed


@pytest.mark.parametrize("seed", range(40))
def test_objective_equals_highs_lp(seed: int) -> None:
    supply, demand, cost, allowed = _instance(seed)
    penalty = penalty_for(2700, len(supply), len(demand))
    flow, unmet = min_cost_transport(supply, demand, cost, allowed, penalty=penalty)
    assert (
        abs(objective(flow, unmet, cost, penalty) - lp_objective(supply, demand, cost, allowed, penalty))
        <= 1e-6
    )
    # feasible: supplies respected, demands met or unmet, nothing on forbidden pairs
    assert (flow >= 0).all() and (unmet >= 0).all()
    assert (flow.sum(axis=1) <= supply).all()
    assert (flow.sum(axis=0) + unmet == demand).all()
    assert (flow[~allowed] == 0).all()


@pytest.mark.parametrize("seed", range(10))
def test_small_penalty_leaves_expensive_positions_unmet(seed: int) -> None:
    supply, demand, cost, allowed = _instance(100 + seed)
    penalty = 900  # cheaper to leave a position open than to fill it via a path costing 900 s or more
    flow, unmet = min_cost_transport(supply, demand, cost, allowed, penalty=penalty)
    assert (
        abs(objective(flow, unmet, cost, penalty) - lp_objective(supply, demand, cost, allowed, penalty))
        <= 1e-6
    )


@pytest.mark.parametrize("seed", range(10))
def test_optimal_never_worse_than_greedy(seed: int) -> None:
    supply, demand, cost, allowed = _instance(200 + seed)
    penalty = penalty_for(2700, len(supply), len(demand))
    flow, unmet = min_cost_transport(supply, demand, cost, allowed, penalty=penalty)
    gflow, gunmet = greedy_transport(supply, demand, cost, allowed)
    assert (gflow.sum(axis=1) <= supply).all() and (gflow.sum(axis=0) + gunmet == demand).all()
    assert (gflow[~allowed] == 0).all()
    assert objective(flow, unmet, cost, penalty) <= objective(gflow, gunmet, cost, penalty)
    assert flow.sum() >= gflow.sum()  # the penalty makes the plan fill as many positions as possible


def test_greedy_is_suboptimal_on_the_textbook_case() -> None:
    # two sources, two sinks: greedy takes the 1-second pair and forces the 100-second one
    supply, demand = np.array([1, 1]), np.array([1, 1])
    cost = np.array([[1, 2], [2, 100]])
    allowed = np.ones((2, 2), dtype=bool)
    penalty = penalty_for(100, 2, 2)
    flow, unmet = min_cost_transport(supply, demand, cost, allowed, penalty=penalty)
    gflow, _ = greedy_transport(supply, demand, cost, allowed)
    assert int((flow * cost).sum()) == 4 and int((gflow * cost).sum()) == 101
    assert unmet.tolist() == [0, 0]


def test_no_allowed_pair_leaves_everything_unmet() -> None:
    flow, unmet = min_cost_transport(
        np.array([5]), np.array([3, 4]), np.array([[10, 10]]), np.zeros((1, 2), bool), penalty=100
    )
    assert flow.sum() == 0 and unmet.tolist() == [3, 4]


@pytest.mark.parametrize("seed", range(3))
def test_village_sized_instances_equal_highs(seed: int) -> None:
    # the size of one group at village level in the county demo: ~350 surplus villages, ~50 short ones
    rng = np.random.default_rng(300 + seed)
    ns, nd = 350, 50
    supply = rng.integers(0, 40, ns)
    demand = rng.integers(1, 300, nd)
    cost = rng.integers(0, 2700, (ns, nd))
    allowed = rng.random((ns, nd)) < 0.4
    penalty = penalty_for(2700, ns, nd)
    flow, unmet = min_cost_transport(supply, demand, cost, allowed, penalty=penalty)
    assert (
        flow.sum() > 0 and (flow.sum(axis=0) + unmet == demand).all() and (flow.sum(axis=1) <= supply).all()
    )
    assert (flow[~allowed] == 0).all()
    lp = lp_objective(supply, demand, cost, allowed, penalty)
    assert abs(objective(flow, unmet, cost, penalty) - lp) <= 1e-6
