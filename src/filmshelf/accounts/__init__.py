"""Users, passwords, sign-in throttling, and account media state (favorites, watchlist, ratings)."""
