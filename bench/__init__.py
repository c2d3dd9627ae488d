"""Benchmarks, run as scripts and never as tests. A package, so that mypy tells bench/booklets.py from
the booklets app."""
