"""Files `simplify init` copies into a new catalogue."""
