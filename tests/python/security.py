"""Identities from the fixture seeds, and switching identity the way Supabase's API does:
`set local role ...` and `request.jwt.claims` in a transaction."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

ALICE = "00000000-0000-0000-0000-0000000a11ce"  # owns account a: proj_a, proj_b
BOB = "00000000-0000-0000-0000-000000000b0b"  # owns account b: proj_c
CAROL = "00000000-0000-0000-0000-0000000ca201"  # collaborates on account b
DAVE = "00000000-0000-0000-0000-00000000da7e"  # owns account c: proj_d
ERIN = "00000000-0000-0000-0000-00000000e417"  # admin
FRANK = "00000000-0000-0000-0000-0000000f4a2c"  # nothing

APP_TABLES = ("account", "account_collaborator", "admin_users", "project")


def load_identities(conn: psycopg.Connection, schema: str) -> None:
    """Fill the app tables (created by the Supabase stand-ins) from the fixture seeds."""
    for table in APP_TABLES:
        with (SEEDS / f"{table}.csv").open(newline="") as fh:
            rows = list(csv.DictReader(fh))
        cols = list(rows[0])
        conn.execute(sql.SQL("delete from {}.{}").format(sql.Identifier(schema),
                                                         sql.Identifier(table)))
        with conn.cursor() as cur:
            cur.executemany(
                sql.SQL("insert into {}.{} ({}) values ({})").format(
                    sql.Identifier(schema), sql.Identifier(table),
                    sql.SQL(", ").join(map(sql.Identifier, cols)),
                    sql.SQL(", ").join(sql.Placeholder() * len(cols))),
                [tuple(r[c] for c in cols) for r in rows])


def as_identity(conn: psycopg.Connection, role: str, sub: str | None,
                query: sql.Composable | str, params: Any = None) -> list[tuple]:
    """Run one query as the API would for this JWT, in its own transaction."""
    with conn.transaction():
        conn.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
        if sub is not None:
            claims = json.dumps({"sub": sub, "role": role})
            conn.execute("select set_config('request.jwt.claims', %s, true)", (claims,))
        return conn.execute(query, params).fetchall()
