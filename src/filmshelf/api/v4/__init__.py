"""TMDB API v4 routes."""
