"""Synthetic residents aged 16-65: who they are, what they do, where they live — ID and phone encrypted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import numpy as np
import shapely

from geo.core.errors import Conflict
from registry.personal import ID_CHECK_CHARS, ID_WEIGHTS, PersonalDataCipher
from registry.synthetic import labour
from registry.synthetic.areas import CountyAreas
from registry.synthetic.arrays import draw_categorical, rank_within_groups
from registry.synthetic.names import person_names
from registry.synthetic.places import Projector, hamlet_homes

REGION = "341522"  # Huoqiu County: the first six digits of every synthetic ID number
SEAT_TOWNSHIP_WEIGHT = 2.5  # the county seat's communities are denser than rural villages
MOBILE_PREFIXES = tuple(
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 173 177 180 181 182 183 "
    "185 186 187 188 189 191 198 199".split()
)
NO_PHONE_SHARE = 0.03


def _anniversary(day: date, years_back: int) -> date:
    """The same calendar day ``years_back`` years earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years_back)
    except ValueError:
        return day.replace(year=day.year - years_back, day=28)


def birth_dates(rng: np.random.Generator, age: np.ndarray, today: date) -> np.ndarray:
    """A birth date (datetime64[D]) for each age, so that the person is exactly that age today."""
    ages = np.arange(labour.MIN_AGE, labour.MAX_AGE + 1)
    first = np.array(
        [_anniversary(today, int(a) + 1) + timedelta(days=1) for a in ages], dtype="datetime64[D]"
    )
    last = np.array([_anniversary(today, int(a)) for a in ages], dtype="datetime64[D]")
    span = (last - first).astype(np.int64) + 1
    i = age - labour.MIN_AGE
    return first[i] + (rng.random(len(age)) * span[i]).astype(np.int64)


def id_numbers(rng: np.random.Generator, born: np.ndarray, is_male: np.ndarray) -> list[str]:
    """Valid, distinct 18-character ID numbers: region, birth date, sequence (odd for men), check digit."""
    day = born.astype(np.int64)
    key = day * 2 + is_male.astype(np.int64)
    groups, inverse = np.unique(key, return_inverse=True)
    rank = rank_within_groups(inverse)
    if rank.max(initial=0) >= 500:
        raise Conflict("too many people share one birth date and sex for distinct 3-digit ID sequences")
    seq = (rank + rng.integers(0, 500, len(groups))[inverse]) % 500  # a random start per group
    seq3 = (seq // 5) * 10 + 2 * (seq % 5) + is_male.astype(np.int64)  # last digit odd for men
    year = born.astype("datetime64[Y]").astype(np.int64) + 1970
    month = (born.astype("datetime64[M]") - born.astype("datetime64[Y]")).astype(np.int64) + 1
    dom = (born - born.astype("datetime64[M]")).astype(np.int64) + 1
    ymd = year * 10000 + month * 100 + dom
    digits = np.empty((len(key), 17), dtype=np.int64)
    digits[:, :6] = [int(c) for c in REGION]
    for j in range(8):
        digits[:, 6 + j] = ymd // 10 ** (7 - j) % 10
    for j in range(3):
        digits[:, 14 + j] = seq3 // 10 ** (2 - j) % 10
    check = np.array(list(ID_CHECK_CHARS))[(digits @ np.array(ID_WEIGHTS)) % 11]
    return [
        f"{REGION}{d}{s:03d}{c}" for d, s, c in zip(ymd.tolist(), seq3.tolist(), check.tolist(), strict=True)
    ]


def phone_numbers(rng: np.random.Generator, n: int) -> list[str | None]:
    """Plausible 11-digit mobile numbers; a few people have none."""
    prefix = np.array(MOBILE_PREFIXES)[rng.integers(0, len(MOBILE_PREFIXES), n)].tolist()
    rest = rng.integers(0, 100_000_000, n).tolist()
    missing = (rng.random(n) < NO_PHONE_SHARE).tolist()
    return [None if m else f"{p}{r:08d}" for p, r, m in zip(prefix, rest, missing, strict=True)]


def _choose(rng: np.random.Generator, table: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    """n codes drawn from a (code, weight) table."""
    codes = np.array([c for c, _ in table], dtype=object)
    weights = np.array([w for _, w in table], dtype=float)
    return codes[rng.choice(len(codes), size=n, p=weights / weights.sum())]


def _trades(rng: np.random.Generator, status: np.ndarray, sex: np.ndarray) -> np.ndarray:
    """The trade (occupation code) of workers and job seekers; None for students and the inactive."""
    out = np.full(len(status), None, dtype=object)
    groups = {"away": ("working_away",), "local": ("employed_local", "seeking"), "farming": ("farming",)}
    for group, statuses in groups.items():
        for s in ("M", "F"):
            mask = np.isin(status, statuses) & (sex == s)
            out[mask] = _choose(rng, labour.TRADES[(group, s)], int(mask.sum()))
    return out


def _education(rng: np.random.Generator, age: np.ndarray, trade: np.ndarray) -> np.ndarray:
    """Highest schooling by age cohort; teachers, nurses, accountants etc. have at least 大专."""
    probs = np.asarray(labour.EDUCATION_BY_AGE)[labour.band_index(age, labour.EDUCATION_AGE_STARTS)]
    level = draw_categorical(rng, probs)
    needs_college = np.isin(trade, list(labour.HIGHER_EDUCATION_TRADES))
    level[needs_college] = np.maximum(level[needs_college], 3 + (rng.random(int(needs_college.sum())) < 0.4))
    return np.array(labour.EDUCATION, dtype=object)[level]


def _villages(rng: np.random.Generator, areas: CountyAreas, n: int) -> np.ndarray:
    """Home village index of each person (sorted, so each village's people are stored together)."""
    weight = rng.gamma(3.0, 1.0, len(areas.villages))
    weight[areas.village_township == areas.seat_township] *= SEAT_TOWNSHIP_WEIGHT
    return np.sort(rng.choice(len(weight), size=n, p=weight / weight.sum()))


def make_residents(
    rng: np.random.Generator,
    areas: CountyAreas,
    n: int,
    *,
    today: date,
    cipher: PersonalDataCipher,
    projector: Projector,
    progress: Callable[[str, float], None],
) -> dict[str, list[Any]]:
    """Column lists (in store.RESIDENT_COLUMNS order) of n synthetic residents."""
    village = _villages(rng, areas, n)
    is_male = rng.random(n) < labour.SEX_RATIO / (1 + labour.SEX_RATIO)
    sex = np.where(is_male, "M", "F").astype(object)
    age = rng.choice(np.arange(labour.MIN_AGE, labour.MAX_AGE + 1), size=n, p=labour.age_weights())
    born = birth_dates(rng, age, today)
    band = labour.band_index(age, labour.STATUS_AGE_STARTS)
    status_probs = np.where(
        is_male[:, None], np.asarray(labour.STATUS_MEN)[band], np.asarray(labour.STATUS_WOMEN)[band]
    )
    status_i = draw_categorical(rng, status_probs)
    status = np.array(labour.STATUSES, dtype=object)[status_i]
    away = status == "working_away"
    cities, city_p = labour.work_cities()
    work_city = np.full(n, None, dtype=object)
    work_city[away] = cities[rng.choice(len(cities), size=int(away.sum()), p=city_p)]
    wish = away & (rng.random(n) < np.clip(0.15 + 0.005 * (age - 20), 0.15, 0.40))
    trade = _trades(rng, status, sex)
    income_p = np.array([labour.INCOME_BY_STATUS[s] for s in labour.STATUSES])[status_i]
    income = np.array(labour.INCOME_BANDS, dtype=object)[draw_categorical(rng, income_p)]
    progress("residents: people", 0.25)
    ids = id_numbers(rng, born, is_male)
    phones = phone_numbers(rng, n)
    names = person_names(rng, is_male)
    homes = hamlet_homes(rng, projector, areas.villages.geoms, village)
    progress("residents: homes", 0.45)
    id_cipher = cipher.encrypt_many(ids)
    id_hash = cipher.keyed_hashes(ids)
    phone_cipher = cipher.encrypt_many(phones)
    del ids, phones
    progress("residents: encrypted", 0.6)
    village_codes = areas.villages.codes[village].tolist()
    return {
        "resident_id": list(range(1, n + 1)),
        "id_hash": id_hash,
        "id_cipher": id_cipher,
        "phone_cipher": phone_cipher,
        "name": names,
        "sex": sex.tolist(),
        "birth_date": np.datetime_as_string(born).tolist(),
        "village_code": village_codes,
        "area_code": village_codes,
        "education": _education(rng, age, trade).tolist(),
        "status": status.tolist(),
        "occupation_code": trade.tolist(),
        "work_city": work_city.tolist(),
        "wish_to_return": wish.tolist(),
        "income_band": income.tolist(),
        "geom": ewkb_points(homes),
    }


def ewkb_points(lonlat: np.ndarray) -> list[str]:
    """Hex EWKB (SRID 4326) of lon/lat points, the fastest form for COPY into a geometry column."""
    points = shapely.set_srid(shapely.points(lonlat), 4326)
    return list(shapely.to_wkb(points, hex=True, include_srid=True))
