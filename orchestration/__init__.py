"""Dagster definitions that run the WWC warehouse unattended (see definitions.py)."""
