"""A time limit for one import, checked while rows are read and validated; past it nothing is written."""

from __future__ import annotations

import time

from geo.core.errors import InvalidInput


class ImportTimeout(InvalidInput):
    """An import that ran past its time limit (HTTP 422); nothing of it was written."""


class Deadline:
    """The moment an import must have finished reading and checking its rows (a monotonic clock)."""

    def __init__(self, seconds: float, *, source: str) -> None:
        self.seconds = seconds
        self.source = source
        self.ends = time.monotonic() + seconds

    def check(self, stage: str, row: int) -> None:
        """ImportTimeout naming the stage and row if the time limit has passed."""
        if time.monotonic() > self.ends:
            raise ImportTimeout(
                f"导入超时：{stage}到第 {row} 行时已超过 {self.seconds:g} 秒上限（HONGYAN_IMPORT_TIMEOUT_S），"
                f"未写入任何数据：请拆成几个较小的文件分别导入（import timed out after {self.seconds:g} s）",
                source=self.source,
            )
