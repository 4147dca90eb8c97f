"""Public tests: students see every message (and the student edition ships them)."""
