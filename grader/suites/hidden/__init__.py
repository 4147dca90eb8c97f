"""Hidden tests: students see only their names and results; never in the student edition."""
