"""The synthetic demo county: geography, roads, population, programme data, built in one idempotent step."""
