"""The pytest plugin: `filmshelf_server` and `tmdb_double`, each in three scopes.

One filmshelf per test process (so one per pytest-xdist worker, each with its own database),
started at the first fixture that needs it and stopped at the end of the session. Each fixture
resets it when its scope begins: everything users did is forgotten (the catalog stays), the
in-process caches and limiters are emptied and the clock is put back to the wall clock.

* `filmshelf_server` / `tmdb_double`: a clean server for every test (the usual choice);
* `*_module`: clean at the start of each module, shared by its tests;
* `*_session`: clean once, shared by the whole run (per worker).

A function-scoped fixture used in a module that also uses a wider one wipes the wider one's
state: pick one scope per module. Nothing heavy is imported until a fixture is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from filmshelf.testing.double import TmdbDouble
    from filmshelf.testing.server import FilmshelfServer, Instance


@pytest.fixture(scope="session")
def filmshelf_instance() -> Iterator[Instance]:
    """The filmshelf of this test process: a loopback port, a throwaway database, the sample catalog."""
    from filmshelf.testing.server import Instance

    instance = Instance()
    try:
        yield instance
    finally:
        instance.close()


def _server(instance: Instance) -> Iterator[FilmshelfServer]:
    from filmshelf.testing.server import FilmshelfServer

    handle = FilmshelfServer(instance)
    handle.reset()
    try:
        yield handle
    finally:
        handle.close()


def _double(instance: Instance) -> Iterator[TmdbDouble]:
    from filmshelf.testing.double import TmdbDouble

    handle = TmdbDouble(instance)
    handle.reset()
    handle.start()
    try:
        yield handle
    finally:
        handle.close()


@pytest.fixture
def filmshelf_server(filmshelf_instance: Instance) -> Iterator[FilmshelfServer]:
    """A real filmshelf on a loopback port, clean for this test, with the helpers."""
    yield from _server(filmshelf_instance)


@pytest.fixture(scope="module")
def filmshelf_server_module(filmshelf_instance: Instance) -> Iterator[FilmshelfServer]:
    """`filmshelf_server`, clean at the start of the module and shared by its tests."""
    yield from _server(filmshelf_instance)


@pytest.fixture(scope="session")
def filmshelf_server_session(filmshelf_instance: Instance) -> Iterator[FilmshelfServer]:
    """`filmshelf_server`, clean once and shared by the whole run."""
    yield from _server(filmshelf_instance)


@pytest.fixture
def tmdb_double(filmshelf_instance: Instance) -> Iterator[TmdbDouble]:
    """Requests to api.themoviedb.org (httpx, requests, aiohttp) answered by a filmshelf clean for this test."""
    yield from _double(filmshelf_instance)


@pytest.fixture(scope="module")
def tmdb_double_module(filmshelf_instance: Instance) -> Iterator[TmdbDouble]:
    """`tmdb_double`, clean at the start of the module and shared by its tests."""
    yield from _double(filmshelf_instance)


@pytest.fixture(scope="session")
def tmdb_double_session(filmshelf_instance: Instance) -> Iterator[TmdbDouble]:
    """`tmdb_double`, clean once and shared by the whole run."""
    yield from _double(filmshelf_instance)
