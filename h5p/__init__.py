"""H5P activities: validated uploads, a player on a separate origin, checked xAPI results.

Reusable on its own (see README.md); it imports no other Streamwise app.
"""
