"""Running `filmshelf ...` in process (Typer's CliRunner): fast, and the same code path as the console script."""

from __future__ import annotations

import os
from pathlib import Path

from typer.testing import CliRunner, Result

from filmshelf.cli import app

FILMSHELF_VARS = [name for name in os.environ if name.startswith("FILMSHELF_") and name != "FILMSHELF_TEST_PG_URL"]


class Cli:
    """`filmshelf ...` in process, from a folder of its own, with a clean FILMSHELF_* environment."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env: dict[str, str | None] = {name: None for name in FILMSHELF_VARS}
        self.env["FILMSHELF_PUBLIC_URL"] = None  # `serve` sets it; the runner restores it afterwards
        self.runner = CliRunner()

    def __call__(self, *args: str, stdin: str | None = None, **env: str) -> Result:
        result = self.runner.invoke(app, list(args), input=stdin, env={**self.env, **env}, prog_name="filmshelf")
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result

    def use(self, **env: str) -> None:
        self.env.update(env)
