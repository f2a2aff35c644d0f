"""Labour-market tables of the synthetic county: age structure, status, destinations, trades, schooling."""

from __future__ import annotations

import numpy as np

MIN_AGE, MAX_AGE = 16, 65
SEX_RATIO = 1.05  # men per woman among the 16-65 registered population

# Relative size of each single-year age cohort (rural Anhui: baby booms of the 1960s-70s and late 1980s,
# small cohorts born after 2000).
AGE_BANDS = (
    (16, 19),
    (20, 24),
    (25, 29),
    (30, 34),
    (35, 39),
    (40, 44),
    (45, 49),
    (50, 54),
    (55, 59),
    (60, 65),
)
AGE_BAND_WEIGHT = (0.85, 0.78, 0.85, 1.05, 1.0, 0.85, 1.0, 1.3, 1.25, 1.05)

STATUSES = ("student", "working_away", "employed_local", "farming", "seeking", "not_in_labour_force")
# Probability of each status by age band (rows: 16-17, 18-19, then AGE_BANDS[1:]); men, then women.
STATUS_AGE_STARTS = (16, 18, 20, 25, 30, 35, 40, 45, 50, 55, 60)
STATUS_MEN = (
    (0.88, 0.06, 0.02, 0.00, 0.02, 0.02),
    (0.55, 0.28, 0.08, 0.01, 0.05, 0.03),
    (0.22, 0.60, 0.10, 0.01, 0.05, 0.02),
    (0.02, 0.70, 0.18, 0.02, 0.05, 0.03),
    (0.00, 0.69, 0.21, 0.03, 0.04, 0.03),
    (0.00, 0.65, 0.23, 0.05, 0.04, 0.03),
    (0.00, 0.60, 0.24, 0.08, 0.04, 0.04),
    (0.00, 0.51, 0.24, 0.16, 0.04, 0.05),
    (0.00, 0.38, 0.21, 0.30, 0.04, 0.07),
    (0.00, 0.22, 0.16, 0.43, 0.04, 0.15),
    (0.00, 0.07, 0.08, 0.50, 0.02, 0.33),
)
STATUS_WOMEN = (
    (0.90, 0.04, 0.02, 0.00, 0.02, 0.02),
    (0.60, 0.24, 0.08, 0.00, 0.05, 0.03),
    (0.25, 0.55, 0.10, 0.01, 0.05, 0.04),
    (0.02, 0.61, 0.18, 0.02, 0.05, 0.12),
    (0.00, 0.60, 0.20, 0.03, 0.05, 0.12),
    (0.00, 0.57, 0.22, 0.06, 0.05, 0.10),
    (0.00, 0.51, 0.23, 0.11, 0.05, 0.10),
    (0.00, 0.41, 0.22, 0.20, 0.05, 0.12),
    (0.00, 0.26, 0.17, 0.33, 0.04, 0.20),
    (0.00, 0.12, 0.10, 0.41, 0.02, 0.35),
    (0.00, 0.04, 0.05, 0.40, 0.01, 0.50),
)

# Where people working away work. Out of province (78 %): Zhejiang 36.5 %, Jiangsu 25 %, Shanghai 19.1 %,
# elsewhere 19.4 % (Anhui migrant-worker monitoring shares); in province (22 %): Hefei, Lu'an, ...
OUT_OF_PROVINCE_SHARE = 0.78
# one entry a line: the table reads as a table
# fmt: off
OUT_OF_PROVINCE = (
    ("杭州", 10.0), ("宁波", 7.0), ("温州", 5.0), ("嘉兴", 4.0), ("金华", 4.0), ("绍兴", 3.0), ("台州", 2.0),
    ("湖州", 1.5), ("苏州", 11.0), ("南京", 5.0), ("无锡", 4.0), ("常州", 3.0), ("南通", 2.0), ("上海", 19.1),
    ("深圳", 5.0), ("广州", 3.0), ("东莞", 3.0), ("北京", 3.0), ("天津", 1.0), ("武汉", 1.4), ("郑州", 1.0), ("厦门", 1.0),
    ("青岛", 1.0),
)
IN_PROVINCE = (("合肥", 15.0), ("六安", 5.0), ("芜湖", 1.0), ("阜阳", 1.0))

EDUCATION = ("小学及以下", "初中", "高中/中专", "大专", "本科及以上")
EDUCATION_AGE_STARTS = (16, 20, 30, 40, 50, 60)
EDUCATION_BY_AGE = (
    (0.02, 0.30, 0.55, 0.10, 0.03),
    (0.03, 0.35, 0.30, 0.20, 0.12),
    (0.06, 0.48, 0.26, 0.12, 0.08),
    (0.15, 0.58, 0.20, 0.05, 0.02),
    (0.35, 0.50, 0.13, 0.015, 0.005),
    (0.55, 0.37, 0.07, 0.007, 0.003),
)
HIGHER_EDUCATION_TRADES = frozenset(
    {"2-05-08-01", "2-05-09-00", "2-06-03-00", "2-08-02-03", "2-08-02-04", "2-08-03-00", "4-01-06-01"}
)

INCOME_BANDS = ("none", "<3000", "3000-4999", "5000-7999", "8000+")
INCOME_BY_STATUS = {
    "working_away": (0.0, 0.05, 0.25, 0.45, 0.25),
    "employed_local": (0.0, 0.20, 0.50, 0.25, 0.05),
    "farming": (0.0, 0.55, 0.35, 0.09, 0.01),
    "seeking": (1.0, 0.0, 0.0, 0.0, 0.0),
    "student": (1.0, 0.0, 0.0, 0.0, 0.0),
    "not_in_labour_force": (1.0, 0.0, 0.0, 0.0, 0.0),
}

_CONSTRUCTION_MEN = (
    ("6-29-01-04", 5), ("6-29-01-01", 5), ("6-29-01-05", 3), ("6-29-01-03", 3), ("6-06-03-01", 4),
    ("6-29-04-01", 4), ("6-29-03-02", 2), ("6-29-03-04", 2), ("6-29-02-08", 1), ("6-30-05-05", 1),
)
_FACTORY_MEN = (
    ("6-18-02-04", 5), ("6-25-04-07", 3), ("6-20-01-01", 3), ("6-18-01-01", 2), ("6-18-01-07", 3),
    ("6-18-01-12", 2), ("6-18-03-03", 2), ("6-22-02-01", 3), ("6-31-03-05", 1), ("6-31-01-03", 3),
    ("6-31-01-02", 1),
)
_TRANSPORT_MEN = (
    ("4-02-02-02", 5), ("4-02-07-08", 4), ("4-10-08-01", 3), ("4-02-05-01", 2), ("4-02-06-01", 1),
    ("4-02-02-01", 1), ("6-30-05-01", 1),
)
_SERVICE_MEN = (
    ("4-03-02-01", 4), ("4-07-05-01", 3), ("4-01-02-01", 3), ("4-12-01-01", 2), ("4-01-06-02", 1),
    ("2-06-03-00", 0.5), ("3-01-01-01", 0.5), ("2-08-02-03", 0.5), ("2-08-02-04", 0.5),
)
_FACTORY_WOMEN = (
    ("6-25-04-07", 6), ("6-05-01-03", 6), ("6-05-01-02", 1), ("6-31-05-00", 3), ("6-31-03-05", 2),
    ("6-01-05-01", 2), ("6-02-03-01", 1), ("6-05-04-01", 1),
)
_SERVICE_WOMEN = (
    ("4-03-02-05", 4), ("4-01-02-03", 4), ("4-01-02-04", 2), ("4-10-01-06", 3), ("4-09-08-01", 2),
    ("4-10-01-05", 2), ("4-10-01-03", 1), ("4-03-02-02", 1), ("4-14-01-02", 1), ("4-01-06-02", 2),
    ("4-01-06-01", 1), ("2-06-03-00", 1), ("3-01-01-01", 1), ("2-05-08-01", 1.5), ("2-08-02-04", 1),
    ("2-08-03-00", 1),
)

# Trade (detail occupation code) weights by status group and sex.
TRADES: dict[tuple[str, str], tuple[tuple[str, float], ...]] = {
    ("away", "M"): tuple((c, w * 3.5) for c, w in _CONSTRUCTION_MEN)
    + tuple((c, w * 3.0) for c, w in _FACTORY_MEN)
    + tuple((c, w * 1.5) for c, w in _TRANSPORT_MEN)
    + tuple((c, w * 1.5) for c, w in _SERVICE_MEN),
    ("away", "F"): tuple((c, w * 4.0) for c, w in _FACTORY_WOMEN)
    + tuple((c, w * 4.0) for c, w in _SERVICE_WOMEN),
    ("local", "M"): tuple((c, w * 2.5) for c, w in _CONSTRUCTION_MEN)
    + tuple((c, w * 2.5) for c, w in _FACTORY_MEN)
    + tuple((c, w * 1.5) for c, w in _TRANSPORT_MEN)
    + tuple((c, w * 2.0) for c, w in _SERVICE_MEN)
    + (
        ("6-16-01-05", 3), ("6-16-01-01", 2), ("6-16-01-15", 2), ("6-01-01-01", 2), ("6-01-04-01", 1),
        ("5-05-05-01", 2), ("5-05-05-02", 1), ("2-05-09-00", 0.5), ("6-06-04-00", 1),
    ),
    ("local", "F"): tuple((c, w * 3.0) for c, w in _FACTORY_WOMEN)
    + tuple((c, w * 4.0) for c, w in _SERVICE_WOMEN)
    + (("6-01-01-01", 1), ("6-01-06-00", 1), ("5-05-06-07", 2), ("6-01-02-00", 0.5)),
    ("farming", "M"): (
        ("5-01-02-01", 50), ("5-04-02-01", 22), ("5-01-02-02", 6), ("5-03-02-01", 7), ("5-03-02-02", 3),
        ("5-05-05-01", 4), ("5-01-02-03", 2), ("5-01-02-05", 1), ("5-04-03-01", 2), ("5-04-01-01", 1),
        ("5-05-02-01", 1), ("5-05-02-03", 1),
    ),
    ("farming", "F"): (
        ("5-01-02-01", 55), ("5-04-02-01", 18), ("5-01-02-02", 10), ("5-03-02-01", 5), ("5-03-02-02", 6),
        ("5-01-02-03", 3), ("5-01-02-05", 2), ("5-04-01-01", 1),
    ),
}


# fmt: on


def band_index(age: np.ndarray, starts: tuple[int, ...]) -> np.ndarray:
    """Index of the age band (given by its first ages) each age falls in."""
    return np.searchsorted(np.asarray(starts), age, side="right") - 1


def age_weights() -> np.ndarray:
    """Relative size of each single-year cohort MIN_AGE..MAX_AGE."""
    ages = np.arange(MIN_AGE, MAX_AGE + 1)
    weights = np.zeros(len(ages))
    for (lo, hi), w in zip(AGE_BANDS, AGE_BAND_WEIGHT, strict=True):
        weights[(ages >= lo) & (ages <= hi)] = w
    return weights / weights.sum()


def work_cities() -> tuple[np.ndarray, np.ndarray]:
    """Destination names and their probabilities for people working away."""
    out_names = [c for c, _ in OUT_OF_PROVINCE]
    out_w = np.array([w for _, w in OUT_OF_PROVINCE])
    in_names = [c for c, _ in IN_PROVINCE]
    in_w = np.array([w for _, w in IN_PROVINCE])
    probs = np.concatenate(
        [out_w / out_w.sum() * OUT_OF_PROVINCE_SHARE, in_w / in_w.sum() * (1 - OUT_OF_PROVINCE_SHARE)]
    )
    return np.array(out_names + in_names, dtype=object), probs
