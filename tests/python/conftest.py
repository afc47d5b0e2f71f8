"""Fixtures: a real PostgreSQL (the PG* variables `make test` sets), one schema per test."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from analytics_db import VENV_BIN, connect, create_raw_table, dbt, dbt_env
from oracle import SPACE_SEEDS
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb


def member_space_sql(project: sql.Composable, kind: str) -> sql.Composed:
    """SQL of the member space of `project` (an SQL expression) and kind ('v', 's'): the
    dictionary's key with the member key (analytics_member_space), its seed the oracle's."""
    seed = SPACE_SEEDS[kind]
    return sql.SQL('hashtextextended(({}) collate "C", {})').format(
        project, sql.Literal(seed - (1 << 64) if seed >= 1 << 63 else seed))


ROOT = Path(__file__).resolve().parents[2]

UTC = dt.UTC
AGG_COLUMNS = ("project_id", "event_type", "event_label", "hour_bucket",
               "event_count", "unique_visitors", "unique_sessions")


def ts(text: str) -> dt.datetime:
    """'2026-03-01 10:00' (UTC unless an offset is given) as an aware datetime."""
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def project_copy(into: Path) -> Path:
    """A copy of the dbt project (what dbt reads) in `into`, to change one file and run it."""
    copy = into / "project"
    copy.mkdir()
    for part in ("dbt_project.yml", "models", "macros", "tests", "seeds"):
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, copy / part)
        else:
            shutil.copy(ROOT / part, copy / part)
    return copy


class Project:
    """The dbt project deployed into one schema, with its raw table."""

    def __init__(self, conn: psycopg.Connection, schema: str) -> None:
        self.conn = conn
        self.schema = schema
        self.ident = sql.Identifier(schema)

    # --- raw table -------------------------------------------------------------------------
    def insert(self, rows: Iterable[dict[str, Any]]) -> None:
        """Raw rows; `event_data`, when given, is stored as jsonb (a str as a JSON string)."""
        cols = ("project_id", "visitor_id", "session_id", "event_type", "event_label",
                "event_data", "created_at")
        query = sql.SQL("insert into {}.analytics_events ({}) values ({})").format(
            self.ident, sql.SQL(", ").join(map(sql.Identifier, cols)),
            sql.SQL(", ").join(sql.Placeholder() * len(cols)))
        with self.conn.cursor() as cur:
            cur.executemany(query, [tuple(
                Jsonb(r[c]) if c == "event_data" and r.get(c) is not None else r.get(c)
                for c in cols) for r in rows])

    def execute(self, query: str, params: Any = None) -> None:
        """Run SQL with {schema} standing for this project's schema identifier."""
        self.conn.execute(sql.SQL(query).format(schema=self.ident), params)

    def raw_rows(self) -> list[dict[str, Any]]:
        """The raw rows; an infinite created_at (which Python cannot hold) reads as None,
        which the oracle leaves out just as the project leaves out infinity."""
        with self.conn.cursor(row_factory=dict_row) as cur:
            cur.execute(sql.SQL(
                "select id, project_id, visitor_id, session_id, event_type, event_label, "
                "event_data, case when isfinite(created_at) then created_at end as created_at "
                "from {}.analytics_events").format(self.ident))
            return cur.fetchall()

    # --- aggregates ------------------------------------------------------------------------
    def table_rows(self, name: str = "analytics_events_hourly_agg",
                   columns: Iterable[str] = AGG_COLUMNS) -> list[tuple]:
        """The columns of every row. A member set (visitor_keys, session_keys: member ids, as
        sorted ids or as a band) reads as the sorted list of its members' keys (md5 of the id as
        a uuid, what the oracle computes), looked up in the member dictionary."""
        types = dict(self.conn.execute(
            "select attname, format_type(atttypid, atttypmod) from pg_attribute "
            "where attrelid = to_regclass(quote_ident(%s) || '.' || quote_ident(%s)) "
            "and attnum > 0 and not attisdropped", (self.schema, name)).fetchall())
        parts = []
        for column in columns:
            kind = {"visitor_keys": "v", "session_keys": "s"}.get(column)
            if kind is None or column not in types:
                parts.append(sql.Identifier(column))
                continue
            col = sql.SQL("t.{}").format(sql.Identifier(column))
            if types[column] == "bit varying":
                # a band: 32 bits of offset, then a bit per id from it
                ids = sql.SQL("select substring({c} from 1 for 32)::bit(32)::int + p - 33 "
                              "from generate_series(33, length({c})) as p "
                              "where substring({c} from p for 1) = B'1'").format(c=col)
            else:
                ids = sql.SQL("select unnest({c})").format(c=col)
            parts.append(sql.SQL(
                "array(select d.member_key from {s}.analytics_member_ids as d "
                "where d.member_space = {space} and d.member_id in ({ids}) "
                "order by d.member_key)").format(
                    s=self.ident, space=member_space_sql(sql.SQL("t.project_id"), kind), ids=ids))
        query = sql.SQL("select {} from {}.{} as t").format(
            sql.SQL(", ").join(parts), self.ident, sql.Identifier(name))
        return self.conn.execute(query).fetchall()

    def hourly(self) -> dict[tuple, tuple]:
        """The hourly table as {key: numbers}; fails on a duplicated key (NULL labels too)."""
        rows = self.table_rows()
        table = {r[:4]: r[4:] for r in rows}
        assert len(table) == len(rows), "duplicate grain rows in analytics_events_hourly_agg"
        return table

    def full_rows(self) -> list[tuple]:
        """Every column, ordered, to compare whole tables (ids and timestamps included)."""
        return self.conn.execute(sql.SQL(
            "select * from {}.analytics_events_hourly_agg order by id").format(self.ident)
        ).fetchall()

    # --- runs ------------------------------------------------------------------------------
    def dbt_run(self, as_of: dt.datetime | str | None = None, full_refresh: bool = False,
                select: str | None = None, env: dict | None = None,
                exclude: str | None = None, **variables: Any) -> str:
        variables.setdefault("app_schema", self.schema)
        variables.setdefault("policy_schema", f"{self.schema}_private")
        if as_of is not None:
            variables["as_of"] = as_of.isoformat() if isinstance(as_of, dt.datetime) else as_of
        command = ["run"] + (["--select", select] if select else []) + (
            ["--exclude", exclude] if exclude else [])
        if full_refresh:
            command.append("--full-refresh")
        return dbt(command, self.schema, variables, env=env).stdout

    def start_dbt(self, as_of: dt.datetime, select: str | None = "analytics_events_hourly_agg",
                  full_refresh: bool = False, **variables: Any) -> subprocess.Popen:
        """`dbt run` in its own process (own target path), as a scheduler would start it; the
        caller reads its output with communicate()."""
        variables = {"source_schema": self.schema, "app_schema": self.schema,
                     "policy_schema": f"{self.schema}_private", "as_of": as_of.isoformat(),
                     **variables}
        args = [str(VENV_BIN / "dbt"), "run", "--target-path",
                tempfile.mkdtemp(prefix="dbt-target-"), "--vars", json.dumps(variables)]
        args += (["--select", select] if select else []) + (
            ["--full-refresh"] if full_refresh else [])
        return subprocess.Popen(args, cwd=ROOT, env=dbt_env(self.schema),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def refresh(self, as_of: dt.datetime, **kwargs: Any) -> dict[str, Any]:
        """The pg_cron path: the refresh function the dbt project created in this schema."""
        args = [sql.SQL("p_as_of => {}").format(sql.Literal(as_of))]
        args += [sql.SQL("{} => {}").format(sql.Identifier(f"p_{k}"), sql.Literal(v))
                 for k, v in kwargs.items()]
        query = sql.SQL("select {}.analytics_refresh_aggregates({})").format(
            self.ident, sql.SQL(", ").join(args))
        return self.conn.execute(query).fetchone()[0]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `dbt_twin` the dbt variant of every test parametrized over runner=dbt/function."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if params.get("runner") == "dbt":
            item.add_marker(pytest.mark.dbt_twin)


@pytest.fixture(scope="session")
def conn() -> Iterator[psycopg.Connection]:
    with connect() as c:
        yield c


def _schema_name() -> str:
    """The `project` fixture's schema: one name per pytest worker, which every test of that
    worker uses in turn (created empty, dropped after), so a test whose vars equal an earlier
    one's runs dbt on the manifest that one parsed (analytics_db._parsed_manifest: a parse is
    keyed by the vars and environment, the schema among them). A parse was about 40 % of the
    suite's Python time, once per test."""
    worker = re.sub(r"[^a-z0-9]+", "_", os.environ.get("PYTEST_XDIST_WORKER", "main").lower())
    return f"t_{worker}_p"


def _forget_schema(conn: psycopg.Connection, schema: str) -> None:
    """Drop the schema and everything outside it that names it, so the next test that uses the
    name starts clean: its pg_cron jobs (and their run records) and its statements in
    pg_stat_statements (`status` reads a deployment's dashboard calls by its schema's name)."""
    conn.execute(sql.SQL("drop schema if exists {}, {} cascade").format(
        sql.Identifier(schema), sql.Identifier(f"{schema}_private")))
    pattern = "%" + schema.replace("_", r"\_") + "%"
    if conn.execute("select to_regclass('cron.job') is not null").fetchone()[0]:
        jobs = [jobid for jobid, in conn.execute(
            "select jobid from cron.job where jobname like %s or command like %s",
            (pattern, pattern)).fetchall()]
        for jobid in jobs:
            conn.execute("select cron.unschedule(%s::bigint)", (jobid,))
        conn.execute("delete from cron.job_run_details where jobid = any(%s)", (jobs,))
    found = conn.execute("select extnamespace::regnamespace::text from pg_extension "
                         "where extname = 'pg_stat_statements'").fetchone()
    if found:
        conn.execute(sql.SQL(
            "select {ext}.pg_stat_statements_reset(0, 0, s.queryid) "
            "from {ext}.pg_stat_statements as s "
            "where s.queryid is not null and s.queryid <> 0 and s.query like %s").format(
                ext=sql.Identifier(found[0])), (pattern,))


@pytest.fixture
def project(conn: psycopg.Connection) -> Iterator[Project]:
    schema = _schema_name()
    _forget_schema(conn, schema)  # what a test stopped half-way may have left
    create_raw_table(conn, schema)
    yield Project(conn, schema)
    _forget_schema(conn, schema)
