"""Benchmarks: one command each, printing ratios against the named peers measured in the same run."""
