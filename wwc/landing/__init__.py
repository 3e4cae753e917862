"""New assessment files: discovered in landing, checked, then accepted or quarantined."""
