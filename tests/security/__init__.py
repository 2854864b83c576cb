"""Security tests: the permission matrix, headers, CSRF and hostile bodies."""
