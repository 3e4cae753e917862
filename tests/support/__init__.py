"""Helpers for the pytest suite (fixtures live in tests/conftest.py): the real `wwc` command in
subprocesses, landing files, the Dagster path in process, BI clients, a throwaway PostgreSQL
server, and comparing warehouses across engines."""
