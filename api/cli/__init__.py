"""The `hongyan` command line."""
