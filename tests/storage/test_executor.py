"""One executor for every statement: checked bind names, one Python type per column, both engines."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import bindparam, insert, select, update

from filmshelf.storage.engine import Prepared, StatementParamsError, open_database
from filmshelf.storage.tables import accounts, lists
from tests.conftest import in_thread

_LIST_BY_ID = Prepared(select(lists).where(lists.c.id == bindparam("p_list_id")))
_RENAME = Prepared(update(lists).where(lists.c.id == bindparam("p_list_id")).values(name=bindparam("p_name")))


def run(database_url: str, work: Any) -> Any:
    async def main() -> Any:
        db = open_database(database_url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return in_thread(lambda: asyncio.run(main()))


async def _one_list(db: Any) -> int:
    async with db.write() as conn:
        owner = await conn.scalar(
            insert(accounts)
            .values(object_id="a" * 24, username="o", username_key="o", password_hash="x", created_at=0.0)
            .returning(accounts.c.id)
        )
        return int(
            await conn.scalar(
                insert(lists).values(account_id=owner, name="n", created_at=0.0, updated_at=0.0).returning(lists.c.id)
            )
        )


def test_a_column_has_one_python_type_on_every_path(database_url: str) -> None:
    async def work(db: Any) -> tuple[Any, Any]:
        list_id = await _one_list(db)
        async with db.read() as conn:
            prepared = (await conn.fetch(_LIST_BY_ID, {"p_list_id": list_id}))[0]
            core = await conn.row(select(lists).where(lists.c.id == list_id))
        return prepared, core

    prepared, core = run(database_url, work)
    for name in ("public", "created_at", "item_count", "vote_sum", "name"):
        assert type(getattr(prepared, name)) is type(getattr(core, name)), name
    assert prepared.public is True and core.public is True


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"p_list": 1}, "unknown parameters ['p_list'], missing ['p_list_id']"),
        ({}, "missing ['p_list_id']"),
        ({"p_list_id": 1, "extra": 2}, "unknown parameters ['extra']"),
    ],
)
def test_a_misspelt_parameter_fails_loudly(database_url: str, params: dict[str, Any], message: str) -> None:
    async def work(db: Any) -> None:
        async with db.read() as conn:
            await conn.fetch(_LIST_BY_ID, params)

    with pytest.raises(StatementParamsError, match=message.replace("[", r"\[").replace("]", r"\]")):
        run(database_url, work)


def test_executemany_checks_every_parameter_set(database_url: str) -> None:
    async def work(db: Any) -> tuple[int, str]:
        list_id = await _one_list(db)
        async with db.write() as conn:
            changed = await conn.run(_RENAME, [{"p_list_id": list_id, "p_name": "renamed"}])
        with pytest.raises(StatementParamsError):
            async with db.write() as conn:
                await conn.run(_RENAME, [{"p_list_id": list_id, "p_name": "x"}, {"p_list_id": list_id, "p_nme": "y"}])
        async with db.read() as conn:
            return changed, (await conn.fetch(_LIST_BY_ID, {"p_list_id": list_id}))[0].name

    assert run(database_url, work) == (1, "renamed")


def test_a_typed_record_must_match_the_statements_columns() -> None:
    from typing import NamedTuple

    class ListName(NamedTuple):
        id: int
        name: str

    class Misspelt(NamedTuple):
        id: int
        nmae: str

    typed = Prepared(select(lists.c.id, lists.c.name), ListName)
    assert typed.record is ListName
    with pytest.raises(TypeError, match="Misspelt has fields"):
        Prepared(select(lists.c.id, lists.c.name), Misspelt)
    with pytest.raises(TypeError):
        Prepared(select(lists.c.name, lists.c.id), ListName)  # the same names in another order


def test_typed_records_come_back_on_both_engines(database_url: str) -> None:
    from filmshelf.storage.accounts import account_by_id
    from filmshelf.storage.records import AccountRow

    async def work(db: Any) -> Any:
        async with db.write() as conn:
            owner = await conn.scalar(
                insert(accounts)
                .values(object_id="b" * 24, username="t", username_key="t", password_hash="x", created_at=0.0)
                .returning(accounts.c.id)
            )
        async with db.read() as conn:
            return await account_by_id(conn, int(owner))

    row = run(database_url, work)
    assert isinstance(row, AccountRow)
    assert row.username == "t" and row.disabled is False and row.include_adult is False
