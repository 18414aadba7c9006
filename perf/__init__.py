"""Benchmarks of onestop against PostgreSQL (database ``onestop_perf``).

Run everything with ``perf/run`` (or ``.venv/bin/python -m perf``); see perf/README.md.
"""
