"""Rating scales (docs/import-export.md "Ratings").

filmshelf stores TMDB's scale: 0.5 to 10 in steps of 0.5.

* Letterboxd: half stars 0.5 to 5. Import: stars x 2 (0.5 -> 1, 3.5 -> 7, 5 -> 10). Export: the TMDB
  value rounded half up to a whole number, halved (7.5 -> 8 -> 4 stars, 0.5 -> 1 -> half a star).
* IMDb and Trakt: whole numbers 1 to 10. Import: the same value. Export: rounded half up (7.5 -> 8,
  0.5 -> 1).
* TMDB files: the value as it is.

A TMDB value survives Letterboxd or IMDb only when it is a whole number (Letterboxd: any whole number
1 to 10); an export of an import of an export is always the same file.
"""

from __future__ import annotations

import math


def _half_up(value: float) -> int:
    return max(1, min(10, math.floor(value + 0.5)))


def to_letterboxd(value: float) -> float:
    """TMDB 0.5-10 -> Letterboxd stars 0.5-5."""
    return _half_up(value) / 2


def from_letterboxd(stars: float) -> float:
    """Letterboxd stars -> TMDB; ValueError unless 0.5 to 5 in half stars."""
    if not 0.5 <= stars <= 5 or stars * 2 != math.floor(stars * 2):
        raise ValueError(f"a Letterboxd rating is 0.5 to 5 in half stars, not {stars:g}")
    return stars * 2


def to_ten(value: float) -> int:
    """TMDB 0.5-10 -> IMDb / Trakt whole 1-10."""
    return _half_up(value)


def from_ten(value: float, source: str) -> float:
    """IMDb / Trakt 1-10 -> TMDB; ValueError unless a whole number 1 to 10."""
    if not 1 <= value <= 10 or value != math.floor(value):
        raise ValueError(f"{source} ratings are whole numbers 1 to 10, not {value:g}")
    return float(value)


def from_tmdb(value: float) -> float:
    """A TMDB value; ValueError unless 0.5 to 10 in steps of 0.5."""
    if not 0.5 <= value <= 10 or value * 2 != math.floor(value * 2):
        raise ValueError(f"a TMDB rating is 0.5 to 10 in steps of 0.5, not {value:g}")
    return float(value)
