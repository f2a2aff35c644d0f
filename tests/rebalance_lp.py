"""The rebalancing transportation problem as a plain LP, solved by HiGHS, to check the min-cost-flow solver."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog
from scipy.sparse import coo_matrix


def lp_objective(
    supply: npt.NDArray[np.int64],
    demand: npt.NDArray[np.int64],
    cost: npt.NDArray[np.int64],
    allowed: npt.NDArray[np.bool_],
    penalty: int,
) -> float:
    """min Σ c·x + P·Σ u  s.t.  Σ_j x_ij ≤ S_i,  Σ_i x_ij + u_j = D_j,  x, u ≥ 0 (allowed pairs only)."""
    ii, jj = np.nonzero(allowed)
    nx, nd, ns = len(ii), len(demand), len(supply)
    c = np.concatenate([cost[ii, jj].astype(float), np.full(nd, float(penalty))])
    a_ub = coo_matrix((np.ones(nx), (ii, np.arange(nx))), shape=(ns, nx + nd))
    rows = np.concatenate([jj, np.arange(nd)])
    a_eq = coo_matrix((np.ones(nx + nd), (rows, np.arange(nx + nd))), shape=(nd, nx + nd))
    res = linprog(
        c,
        A_ub=a_ub.tocsr(),
        b_ub=supply.astype(float),
        A_eq=a_eq.tocsr(),
        b_eq=demand.astype(float),
        bounds=(0, None),
        method="highs",
    )
    assert res.status == 0, res.message
    return float(res.fun)
