"""The importable databases: the one place the built-in table specs are listed, by name."""

from __future__ import annotations

from geo.core.errors import NotFound
from registry.intake.spec import TableSpec
from registry.intake.specs import enterprises, policies, residents, talents, vacancies

BUILT_IN = (residents.SPEC, talents.SPEC, enterprises.SPEC, vacancies.SPEC, policies.SPEC)
SPECS: dict[str, TableSpec] = {spec.name: spec for spec in BUILT_IN}


def get_spec(name: str) -> TableSpec:
    """The spec of a database by name; NotFound listing the importable ones."""
    if name not in SPECS:
        raise NotFound(f"没有名为 {name!r} 的导入库，可用：{'、'.join(sorted(SPECS))}")
    return SPECS[name]
