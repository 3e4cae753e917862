-- Run by Evidence's DuckDB connector before every source query. The queries below read tables of
-- the published file only; no DuckDB extension may be installed or loaded from the network.
SET autoinstall_known_extensions = false;
SET autoload_known_extensions = false;
