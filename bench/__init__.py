"""Benchmarks (never run as tests); see README.md."""
