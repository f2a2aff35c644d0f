"""Circle analytics, matching and rebalancing (issues to come)."""
