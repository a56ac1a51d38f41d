"""Benchmarks: how the product's cost grows with its work (`python -m benchmarks --help`).

Every step runs in a subprocess of its own (peak memory per step, no cache carried over);
results go to benchmarks/results/ (gitignored), a summary to docs/performance.json and a table
to docs/performance.md. Benchmarks are not tests: nothing here asserts a time.
"""
