"""filmshelf in other projects' test suites: the pytest plugin and the TMDB double.

The plugin (`filmshelf.testing.plugin`, registered under the `pytest11` entry point) gives the
fixtures `filmshelf_server` and `tmdb_double` (and their `_module` / `_session` variants); see
docs/testing-with-filmshelf.md. The names below are imported on first use, so that loading the
plugin costs nothing until a test asks for a fixture.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from filmshelf.testing.double import TmdbDouble, tmdb_double_running
    from filmshelf.testing.server import App, FilmshelfServer, FilmshelfTestingError, Instance, User

__all__ = ["App", "FilmshelfServer", "FilmshelfTestingError", "Instance", "TmdbDouble", "User", "tmdb_double_running"]
_HOMES = {
    "App": "server",
    "FilmshelfServer": "server",
    "FilmshelfTestingError": "server",
    "Instance": "server",
    "User": "server",
    "TmdbDouble": "double",
    "tmdb_double_running": "double",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'filmshelf.testing' has no attribute {name!r}")
    return getattr(importlib.import_module(f"filmshelf.testing.{home}"), name)
