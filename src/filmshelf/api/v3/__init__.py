"""TMDB API v3 routes (the calls v4 clients still need)."""
