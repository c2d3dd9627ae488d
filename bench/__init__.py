"""Benchmarks, run as scripts and never as tests (see README.md). A package, so that mypy tells
bench/booklets.py from the booklets app."""
