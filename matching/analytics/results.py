"""The figures of one circle analytics run, per resident and per site."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from geo.engine.network import F8


@dataclass(frozen=True)
class CircleResults:
    """Per-resident and per-site figures of one run."""

    resident_on_network: npt.NDArray[np.bool_]
    positions_in_reach: npt.NDArray[np.int64]
    matching_positions: npt.NDArray[np.int64]
    access_index: F8
    site_on_network: npt.NDArray[np.bool_]
    candidates: npt.NDArray[np.int64]
    weighted_demand: F8
    supply_ratio: F8
