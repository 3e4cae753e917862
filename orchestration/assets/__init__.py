"""Assets: landing ingest into the build copy, the dbt project, and the published warehouse."""
