#!/usr/bin/env python3
"""How long filmshelf.testing's reset takes (docs/testing-with-filmshelf.md quotes this).

    .venv/bin/python bench/testing_reset.py [ROUNDS]

Starts one test instance (the figure for start-up), then ROUNDS times: a user, an app, a v4
sign-in, a v3 session, a rating, a favorite, a watchlist entry and a list of three titles, then a
reset, timed alone. Prints the start-up time and the reset's median, 90th percentile and maximum.
"""

from __future__ import annotations

import statistics
import sys
import time

from filmshelf.testing.server import FilmshelfServer, Instance


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    began = time.perf_counter()
    instance = Instance()
    started = time.perf_counter() - began
    server = FilmshelfServer(instance)
    took: list[float] = []
    try:
        for _ in range(rounds):
            user = server.make_user()
            app = server.make_app(user)
            server.sign_in(app, user)
            server.v3_session(app, user)
            server.rate(user, "movie", 11, 7.5)
            server.favorite(user, "movie", 11)
            server.watchlist(user, "tv", 95)
            server.create_list(user, "three", [("movie", 11), ("movie", 550), ("tv", 95)])
            moment = time.perf_counter()
            server.reset()
            took.append((time.perf_counter() - moment) * 1000)
    finally:
        server.close()
        instance.close()
    took.sort()
    print(
        f"start-up {started:.2f} s; reset over {rounds} rounds: median {statistics.median(took):.1f} ms, "
        f"p90 {took[int(len(took) * 0.9)]:.1f} ms, max {took[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
