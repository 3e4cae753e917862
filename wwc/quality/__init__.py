"""Great Expectations gates: landing files on arrival, marts before publishing."""
