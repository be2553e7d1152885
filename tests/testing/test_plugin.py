"""The plugin as another project sees it: loaded by its entry point, three scopes, pytest-xdist.

Each case writes a small test suite into pytester's folder (no conftest: the fixtures come from
the `pytest11` entry point alone) and runs pytest on it in a subprocess.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest_plugins = ["pytester"]
# The inner runs skip this project's heavier plugins (start-up time only; none is needed there).
QUIET = ("-q", "-p", "no:schemathesis", "-p", "no:hypothesispytest", "-p", "no:faker", "-p", "no:anyio")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(*QUIET, *args)


def test_function_scope_gives_each_test_a_clean_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_clean="""
        import pytest

        @pytest.mark.parametrize("round", [1, 2, 3])
        def test_same_name_each_time(filmshelf_server, round):
            user = filmshelf_server.make_user("same")
            assert user.account_id == 1
            filmshelf_server.rate(user, "movie", 11, 10)

        def test_double_is_clean_too(tmdb_double):
            assert tmdb_double.make_user("same").account_id == 1
        """
    )
    run(pytester).assert_outcomes(passed=4)


def test_module_scope_keeps_state_within_a_module_only(pytester: pytest.Pytester) -> None:
    module = """
    import pytest
    from filmshelf.testing import FilmshelfTestingError

    def test_first(filmshelf_server_module):
        filmshelf_server_module.make_user("kept")

    def test_second_sees_it(filmshelf_server_module):
        with pytest.raises(FilmshelfTestingError, match="taken"):
            filmshelf_server_module.make_user("kept")
    """
    pytester.makepyfile(test_a=module, test_b=module)
    run(pytester).assert_outcomes(passed=4)


def test_session_scope_shares_state_across_modules(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_a="""
        def test_make(tmdb_double_session):
            tmdb_double_session.make_user("everywhere")
        """,
        test_b="""
        def test_seen(tmdb_double_session):
            app = tmdb_double_session.make_app()
            assert app.owner.account_id == 2  # "everywhere" is account 1, still there
        """,
    )
    run(pytester).assert_outcomes(passed=2)


@pytest.mark.slow
def test_under_xdist_each_worker_has_its_own_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_parallel="""
        import os

        import httpx
        import pytest

        @pytest.mark.parametrize("n", range(8))
        def test_isolated(tmdb_double, n):
            assert os.environ.get("PYTEST_XDIST_WORKER")
            user = tmdb_double.make_user("solo")
            app = tmdb_double.make_app(user)
            assert (user.account_id, app.id) == (1, 1)
            token = tmdb_double.sign_in(app, user)
            lists = httpx.get(
                f"https://api.themoviedb.org/4/account/{user.account_object_id}/lists",
                headers={"Authorization": f"Bearer {token}"},
            )
            assert lists.json()["total_results"] == 0
            tmdb_double.create_list(user, f"list {n}", [("movie", 11)])
        """
    )
    result = run(pytester, "-n", "2")
    result.assert_outcomes(passed=8)


def test_filmshelf_imports_and_the_double_runs_without_pytest() -> None:
    script = textwrap.dedent(
        """
        import sys
        sys.modules["pytest"] = None  # any import of pytest now fails
        import filmshelf, filmshelf.app, filmshelf.cli
        import httpx
        from filmshelf.testing import tmdb_double_running

        with tmdb_double_running() as double:
            app = double.make_app()
            answer = httpx.get("https://api.themoviedb.org/3/movie/11", params={"api_key": app.api_key})
            print(answer.status_code, answer.json()["title"], double.forwarded)
        assert httpx.HTTPTransport.handle_request.__module__ == "httpx._transports.default"
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "200 Star Wars 1"
