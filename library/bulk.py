"""Writing derived rows by the thousand: plain tuples, one statement where the database
allows it. Indexing writes hundreds of rows per document (mentions, postings, document
frequencies); building model instances for them cost more than the database did.

On PostgreSQL the rows travel as one array per column and the server unnests them: one
statement, where `executemany` runs the INSERT once per row. SQLite's `executemany` is
already a loop in C over one prepared statement.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models


def _columns(model: type[models.Model], fields: Sequence[str]) -> tuple[str, str, list[str]]:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    found = [model._meta.get_field(name) for name in fields]
    columns = ", ".join(quote(field.column) for field in found)
    return table, columns, [field.db_type(connection) for field in found]


def _unnest(types: list[str], rows: Sequence[tuple]) -> tuple[str, list[list]]:
    """`SELECT * FROM unnest(…)` of `rows`, one typed array parameter per column."""
    arrays = [list(column) for column in zip(*rows, strict=True)]
    arguments = ", ".join(f"%s::{t}[]" for t in types)
    return f"SELECT * FROM unnest({arguments})", arrays  # noqa: S608 - our column types


def insert(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert `rows` (tuples in the order of `fields`) into `model`'s table."""
    if not rows:
        return
    table, columns, types = _columns(model, fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            select, arrays = _unnest(types, rows)
            cursor.execute(f"INSERT INTO {table} ({columns}) {select}", arrays)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def add(model: type[models.Model], key: str, count: str, rows: Sequence[tuple[int, int]]) -> None:
    """Add each `(key, n)` row's n to `count` of the row with that key (created at n).

    Keys are written in order, so two writers meet their rows' locks in the same order.
    """
    rows = sorted(rows)
    if not rows:
        return
    table, columns, types = _columns(model, [key, count])
    quote = connection.ops.quote_name
    conflict = (
        f"ON CONFLICT ({quote(key)}) DO UPDATE "
        f"SET {quote(count)} = {table}.{quote(count)} + excluded.{quote(count)}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            select, arrays = _unnest(types, rows)
            cursor.execute(f"INSERT INTO {table} ({columns}) {select} {conflict}", arrays)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s) {conflict}"  # noqa: S608
            cursor.executemany(sql, rows)


def lookup(model: type[models.Model], key: str, values: str, keys) -> dict:
    """`{key: value}` of the rows whose `key` is one of `keys`."""
    keys = list(keys)
    table, columns, types = _columns(model, [key, values])
    column = connection.ops.quote_name(model._meta.get_field(key).column)
    found: dict = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"SELECT {columns} FROM {table} WHERE {column} = ANY(%s::{types[0]}[])"  # noqa: S608
            cursor.execute(sql, [keys])
            found.update(cursor.fetchall())
            return found
        for start in range(0, len(keys), 900):  # SQLite's parameters per statement
            part = keys[start : start + 900]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"SELECT {columns} FROM {table} WHERE {column} IN ({marks})", part)  # noqa: S608
            found.update(cursor.fetchall())
    return found
