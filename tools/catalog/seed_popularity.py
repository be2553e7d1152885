#!/usr/bin/env python3
"""Write (or check) the `popularity` seed of the bundled sample (src/filmshelf/catalog/data/*.jsonl).

    python tools/catalog/seed_popularity.py           # set `popularity` on every sample line
    python tools/catalog/seed_popularity.py --check   # exit 1 if a shipped value differs

No open, shippable source of audience figures (votes, views, ratings) for these titles could be
reached from here (only package registries are; see SOURCES.md), so the seed is derived from
facts filmshelf already ships. It is a notability guess, not audience data, and says so:

    refs  = how many of the independent references that list *well-known* titles confirmed the
            title's id (tools/catalog/crosscheck.tsv): cinematch's starter catalog, flickpick's
            example ratings, the seenit 2019 seed payloads (movie-details / tv-details), and TMDB
            payloads found in public code (search). The broad references (TMDB 5000, MovieLens,
            the network table) name nearly every title and say nothing about notability.
    movie = 1 + 2 x refs + 2 x log10(1 + revenue in millions of dollars)   (unknown revenue: 0)
    tv    = 1 + 2 x refs

`filmshelf catalog import --sample` stores it as the titles' imported popularity; what
filmshelf's users do adds to it (docs/popularity.md). It is the last key of each line.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
DATA = REPO / "src" / "filmshelf" / "catalog" / "data"
CROSSCHECK = Path(__file__).resolve().parent / "crosscheck.tsv"
FILES = (("movie", DATA / "sample_movies.jsonl"), ("tv", DATA / "sample_tv.jsonl"))
NOTABLE = frozenset({"cinematch", "flickpick", "movie-details", "tv-details", "search"})


def notable_refs() -> dict[tuple[str, int], int]:
    """(kind, id) -> how many notability references confirmed the id."""
    with CROSSCHECK.open(encoding="utf-8") as handle:
        return {
            (row["kind"], int(row["id"])): len(set(row["confirmed_by"].split(",")) & NOTABLE)
            for row in csv.DictReader(handle, delimiter="\t")
        }


def seed(kind: str, title: dict[str, object], refs: dict[tuple[str, int], int]) -> float:
    """The seed popularity of one sample title."""
    media_id = title["id"]
    assert isinstance(media_id, int)
    score = 1.0 + 2 * refs.get((kind, media_id), 0)
    if kind == "movie":
        revenue = title["revenue"] or 0
        assert isinstance(revenue, int)
        score += 2 * math.log10(1 + revenue / 1e6)
    return round(score, 3)


def seeded_text(kind: str, path: Path, refs: dict[tuple[str, int], int]) -> str:
    """The file's text with every line's `popularity` set (as the last key)."""
    lines = []
    for text in path.read_text(encoding="utf-8").splitlines():
        title = json.loads(text)
        title.pop("popularity", None)
        title["popularity"] = seed(kind, title, refs)
        lines.append(json.dumps(title, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with the shipped files instead of writing")
    args = parser.parse_args()
    refs = notable_refs()
    status = 0
    for kind, path in FILES:
        text = seeded_text(kind, path, refs)
        if args.check:
            if path.read_text(encoding="utf-8") != text:
                print(f"{path}: popularity is not what the formula gives; run {Path(__file__).name}", file=sys.stderr)
                status = 1
            continue
        path.write_text(text, encoding="utf-8")
        print(f"seeded {path.name}")
    return status


if __name__ == "__main__":
    sys.exit(main())
