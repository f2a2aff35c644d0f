"""Synthetic Chinese personal names and enterprise trade names (字号), drawn with numpy."""

from __future__ import annotations

import numpy as np

# Common surnames with rough relative frequencies (national ranking, Anhui-leaning at the top).
# one entry a line: the table reads as a table
# fmt: off
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 7.2), ("李", 7.0), ("张", 6.9), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("黄", 2.1), ("赵", 2.0),
    ("吴", 2.0), ("周", 1.9), ("徐", 1.6), ("孙", 1.5), ("马", 1.4), ("朱", 1.3), ("胡", 1.3), ("郭", 1.2),
    ("何", 1.1), ("高", 1.1), ("林", 1.0), ("罗", 0.9), ("郑", 0.9), ("梁", 0.8), ("谢", 0.7), ("宋", 0.7),
    ("唐", 0.7), ("许", 0.6), ("韩", 0.6), ("冯", 0.6), ("邓", 0.5), ("曹", 0.5), ("彭", 0.5), ("曾", 0.5),
    ("肖", 0.5), ("田", 0.5), ("董", 0.5), ("袁", 0.4), ("潘", 0.4), ("于", 0.4), ("蒋", 0.4), ("蔡", 0.4),
    ("余", 0.4), ("杜", 0.4), ("叶", 0.4), ("程", 0.4), ("苏", 0.4), ("魏", 0.4), ("吕", 0.4), ("丁", 0.4),
    ("任", 0.3), ("沈", 0.3), ("姚", 0.3), ("卢", 0.3), ("姜", 0.3), ("崔", 0.3), ("钟", 0.3), ("谭", 0.3),
    ("陆", 0.3), ("汪", 0.3), ("范", 0.3), ("金", 0.3), ("石", 0.3), ("廖", 0.3), ("贾", 0.3), ("夏", 0.3),
    ("韦", 0.2), ("付", 0.2), ("方", 0.2), ("白", 0.2), ("邹", 0.2), ("孟", 0.2), ("熊", 0.2), ("秦", 0.2),
    ("邱", 0.2), ("江", 0.2), ("尹", 0.2), ("薛", 0.2), ("闫", 0.2), ("段", 0.2), ("雷", 0.2), ("侯", 0.2),
    ("龙", 0.2), ("史", 0.2), ("陶", 0.2), ("黎", 0.2), ("贺", 0.2), ("顾", 0.2), ("毛", 0.2), ("郝", 0.2),
    ("龚", 0.2), ("邵", 0.2), ("万", 0.2), ("钱", 0.2), ("严", 0.2), ("武", 0.2), ("戴", 0.2), ("孔", 0.1),
    ("汤", 0.1), ("葛", 0.1),
)
# fmt: on


MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林洋东海峰建国志文武成"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英华慧巧美娇兰红梅琳素云莲真环雪荣爱妹香月莺媛玲芬燕彩春菊凤洁琴"
SHARED_CHARS = "安晓子佳欣家明春晨雨思梦新心永德玉金士传守"

TRADE_NAME_HEADS = "鑫恒金华宏盛兴隆顺泰瑞丰嘉润宇祥和德正中信诚利源达通亿卓皖淮霍临城"
TRADE_NAME_TAILS = "源达丰盛通泰辉祥业华邦润宝康旺福瑞鼎恒晟腾发昌益禾茂林海川诚"


def _pick(rng: np.random.Generator, chars: str, n: int) -> np.ndarray:
    """n characters drawn uniformly from a string."""
    return np.array(list(chars), dtype=object)[rng.integers(0, len(chars), size=n)]


def person_names(rng: np.random.Generator, is_male: np.ndarray) -> list[str]:
    """A surname plus a one- or two-character given name for each person (sex-appropriate)."""
    n = len(is_male)
    surnames = np.array([s for s, _ in SURNAMES], dtype=object)
    weights = np.array([w for _, w in SURNAMES])
    family = surnames[rng.choice(len(surnames), size=n, p=weights / weights.sum())]
    own = np.where(is_male, _pick(rng, MALE_CHARS, n), _pick(rng, FEMALE_CHARS, n))
    lead = np.where(rng.random(n) < 0.35, _pick(rng, SHARED_CHARS, n), own)
    second = np.where(is_male, _pick(rng, MALE_CHARS, n), _pick(rng, FEMALE_CHARS, n))
    two_chars = rng.random(n) < 0.72
    given = np.where(two_chars, lead + second, own)
    return list(family + given)


def trade_names(rng: np.random.Generator, n: int) -> list[str]:
    """Two-character enterprise trade names (字号) such as 鑫源 or 皖丰."""
    return list(_pick(rng, TRADE_NAME_HEADS, n) + _pick(rng, TRADE_NAME_TAILS, n))
