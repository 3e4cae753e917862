"""Other engines for the same dbt project: PostgreSQL (many BI users) and Spark (data beyond
one machine). The DuckDB file stays the default target; see the README, "Beyond one machine"."""
