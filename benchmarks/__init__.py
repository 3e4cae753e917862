"""Benchmarks of the warehouse (see benchmarks/README.md)."""
