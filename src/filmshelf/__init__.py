"""filmshelf: a self-hosted server that speaks TMDB API v4."""

__version__ = "0.1.0"
