#!/usr/bin/env python3
"""Write a SYNTHETIC TMDB daily ID export (gzip, one JSON object a line) for import benchmarks.

Every title is invented and says so ("Synthetic benchmark title #N"); ids start above
10,000,000 so they can never collide with the real TMDB ids of the bundled sample catalog.
Never load these files into a catalog anyone uses.

    python bench/gen_export.py var/bench/movie_ids.json.gz --lines 1000000
    python bench/gen_export.py var/bench/tv_series_ids.json.gz --lines 200000 --media tv
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
import time
from pathlib import Path

import msgspec

FIRST_ID = 10_000_001


# A few of TMDB's genre ids and ISO 639-1 codes, for --rich lines.
MOVIE_GENRES = (28, 12, 16, 35, 80, 99, 18, 10751, 14, 36, 27, 10402, 9648, 10749, 878, 53, 10752, 37)
TV_GENRES = (10759, 16, 35, 80, 99, 18, 10751, 10762, 9648, 10765, 10768, 37)
LANGUAGES = ("en", "en", "en", "fr", "ja", "es", "de", "ko", "it", "hi")


def export_lines(
    count: int, *, media: str = "movie", first_id: int = FIRST_ID, seed: int = 0, rich: bool = False
) -> list[bytes]:
    """`count` synthetic export lines (without newlines), shaped like TMDB's movie or tv id export.

    `rich` adds what detail objects carry and discovery filters on: genre_ids, a release (first air)
    date, original_language, vote_average and vote_count.
    """
    rng = random.Random(seed)
    encode = msgspec.json.encode
    lines: list[bytes] = []
    for offset in range(count):
        media_id = first_id + offset
        popularity = round(rng.expovariate(1.0) * 3, 3)
        line: dict[str, object]
        if media == "movie":
            line = {
                "adult": rng.random() < 0.01,
                "id": media_id,
                "original_title": f"Synthetic benchmark title #{media_id}",
                "popularity": popularity,
                "video": rng.random() < 0.02,
            }
        else:
            name = f"Synthetic benchmark show #{media_id}"
            line = {"id": media_id, "original_name": name, "popularity": popularity}
        if rich:
            genres = MOVIE_GENRES if media == "movie" else TV_GENRES
            date = f"{rng.randint(1920, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            votes = int(rng.expovariate(1 / 300))
            line.update(
                genre_ids=sorted(rng.sample(genres, rng.randint(1, 3))),
                original_language=rng.choice(LANGUAGES),
                vote_average=round(rng.uniform(3, 9), 1) if votes else 0.0,
                vote_count=votes,
                **({"release_date": date} if media == "movie" else {"first_air_date": date}),
            )
        lines.append(encode(line))
    return lines


def write_export(
    path: Path, count: int, *, media: str = "movie", seed: int = 0, chunk: int = 50_000, rich: bool = False
) -> None:
    """Write `count` synthetic lines to the gzip file `path`, a chunk at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb", compresslevel=6) as out:
        for start in range(0, count, chunk):
            size = min(chunk, count - start)
            lines = export_lines(size, media=media, first_id=FIRST_ID + start, seed=seed + start, rich=rich)
            out.write(b"\n".join(lines) + b"\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, help="output file (.json.gz)")
    parser.add_argument("--lines", type=int, default=1_000_000, help="how many lines (default 1,000,000)")
    parser.add_argument("--media", choices=("movie", "tv"), default="movie")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rich", action="store_true", help="add genres, dates, language and votes to each line")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    write_export(args.path, args.lines, media=args.media, seed=args.seed, rich=args.rich)
    took = time.perf_counter() - started
    size = args.path.stat().st_size
    print(f"wrote {args.lines:,} synthetic {args.media} lines to {args.path} ({size:,} bytes) in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
