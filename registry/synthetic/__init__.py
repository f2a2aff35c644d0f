"""The synthetic demo population of Huoqiu: residents, enterprises, sites and vacancies."""

from registry.synthetic.populate import PopulationReport, populate

__all__ = ["PopulationReport", "populate"]
