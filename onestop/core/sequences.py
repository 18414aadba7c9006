"""Gap-free numbering from a counter row (dossier codes, feedback codes, receipt numbers).

The counter model has a unique key (e.g. agency + day) and an integer `last`. One upsert
creates the key's row or increments it, and holds its row lock until the caller's
transaction ends: concurrent callers get consecutive numbers, a rolled-back transaction
gives its number back (no committed gap), and a committed number is never reused.
INSERT … ON CONFLICT … RETURNING works on PostgreSQL and SQLite ≥ 3.35.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import connection, models, transaction


def next_in_sequence(counter: type[models.Model], **key: Any) -> int:
    """The next number for `key` (the counter's unique fields, by name)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            f"{counter.__name__} numbers are taken inside the transaction that uses them"
        )
    quote = connection.ops.quote_name
    table = quote(counter._meta.db_table)
    fields = [cast(models.Field, counter._meta.get_field(name)) for name in key]
    columns = [quote(f.column) for f in fields]
    # Model instances stand for their key; each value goes through its field's conversion.
    values = [f.get_db_prep_value(getattr(key[f.name], "pk", key[f.name]), connection)
              for f in fields]
    placeholders = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}, last) VALUES ({placeholders}, 1) "
            f"ON CONFLICT ({', '.join(columns)}) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            values,
        )
        (last,) = cursor.fetchone()
    return int(last)
