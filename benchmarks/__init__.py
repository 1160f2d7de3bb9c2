"""Benchmarks, run as scripts (`make benchmark-*`); a package so tests can import their data."""
