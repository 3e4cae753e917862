"""Deterministic synthetic WWC Certification history, calibrated to published figures."""
