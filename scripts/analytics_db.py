"""Shared helpers for the project's scripts and tests: connections, the raw table, dbt calls.

Connections use the standard libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE),
exactly like the dbt profile. SQL is composed with psycopg.sql; values are always parameters.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def connect(autocommit: bool = True, **kwargs: Any) -> psycopg.Connection:
    """A connection from the PG* environment variables. PGHOST is passed on by name: psycopg
    resolves host names itself and, reading it from the environment, reported a bad one as
    'failed to resolve host None'."""
    if os.environ.get("PGHOST") and "host" not in kwargs:
        kwargs["host"] = os.environ["PGHOST"]
    return psycopg.connect("", autocommit=autocommit, **kwargs)


def lock_schema(conn: psycopg.Connection, schema: str) -> None:
    """Take the advisory lock every refresh of `schema`'s aggregates takes first (dbt run, the
    pg_cron function, a re-aggregation), held until the transaction ends, so what runs next in
    it never overlaps a refresh. Its key is read from the macro that defines it
    (macros/sql/analytics_lock_sql.sql), not written again here."""
    macro = (ROOT / "macros" / "sql" / "analytics_lock_sql.sql").read_text()
    namespace = re.search(r"hashtext\('([a-z_]+)'\), hashtext\(", macro)
    if namespace is None:
        raise RuntimeError("macros/sql/analytics_lock_sql.sql: no hashtext('<namespace>') key")
    conn.execute("select pg_advisory_xact_lock(hashtext(%s), hashtext(%s))",
                 (namespace.group(1), schema))


RAW_TABLE_DDL = """
create table if not exists {schema}.analytics_events (
    id bigint generated always as identity primary key,
    project_id text,
    visitor_id text,
    session_id text,
    event_type text,
    event_label text,
    event_data jsonb,
    created_at timestamptz default now()
)
"""

# The index every incremental window reads through (see README, "The raw table's index").
RAW_INDEX_DDL = """
create index if not exists analytics_events_created_at_idx
    on {schema}.analytics_events (created_at)
"""


def create_raw_table(conn: psycopg.Connection, schema: str) -> None:
    """Create `schema`.analytics_events as the application has it (local, demo and tests only)."""
    ident = sql.Identifier(schema)
    conn.execute(sql.SQL("create schema if not exists {}").format(ident))
    conn.execute(sql.SQL(RAW_TABLE_DDL).format(schema=ident))
    conn.execute(sql.SQL(RAW_INDEX_DDL).format(schema=ident))


def dbt_env(schema: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DBT_PROFILES_DIR", str(ROOT / ".dbt"))
    env["DBT_SCHEMA"] = schema
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:  # parallel test workers: each its own target/ (partial parse) and logs/
        env.setdefault("DBT_TARGET_PATH", str(ROOT / f"target-{worker}"))
        env.setdefault("DBT_LOG_PATH", str(ROOT / f"logs-{worker}"))
        # a test reads what dbt said from DbtResult, never dbt.log, run_results.json or
        # manifest.json: not writing them took 0.6 s off each 5 s run (12 %)
        env.setdefault("DBT_LOG_LEVEL_FILE", "none")
        env.setdefault("DBT_WRITE_JSON", "false")
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    if extra:
        env.update(extra)
    return env


class DbtResult:
    """What a dbt invocation returned: its exit code and the log lines it wrote."""

    def __init__(self, returncode: int, stdout: str) -> None:
        self.returncode = returncode
        self.stdout = stdout


# Flags that change what dbt parses (another project, profile or target path): such runs parse
# for themselves. Every other flag (--select, --full-refresh, ...) is read at run time.
_PARSE_FLAGS = ("--project-dir", "--profiles-dir", "--profile", "--target", "-t",
                "--target-path")
# Vars read at run time only, never while parsing (macros/vars/analytics_as_of.sql): a run that
# differs from the cached parse in these alone reuses the parsed manifest.
_RUN_TIME_VARS = ("as_of",)
_MANIFESTS: dict[str, Any] = {}
_MANIFESTS_KEPT = 4


def _with_env(env: dict[str, str], call: Callable[[], Any]) -> Any:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        return call()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _parsed_manifest(args: list[str], vars_: Mapping[str, Any], env: dict[str, str]) -> Any:
    """The manifest of this project for these parse-time vars and environment, parsed once.

    dbt reparses the whole project (about 2.6 s) whenever a var changes, and the tests change
    as_of on every run; as_of is read at run time only, so runs that differ in it alone share
    one parse, within a test and across the tests of one pytest worker, which use one schema
    name in turn (tests/python/conftest.py). None when the run must parse for itself."""
    # `show --inline` and `compile --inline` add their query to the manifest: never shared.
    if args[0] in ("parse", "seed", "show") or "--inline" in args or any(
            a.split("=")[0] in _PARSE_FLAGS for a in args):
        return None
    parse_vars = {k: v for k, v in vars_.items() if k not in _RUN_TIME_VARS}
    # (pytest names the running test in the environment: never part of what dbt parses)
    parse_env = sorted((k, v) for k, v in env.items() if k != "PYTEST_CURRENT_TEST")
    key = json.dumps([parse_vars, parse_env], default=str, sort_keys=True)
    if key not in _MANIFESTS:
        from dbt.cli.main import dbtRunner

        parsed = _with_env(env, lambda: dbtRunner().invoke(
            ["parse", "--vars", json.dumps(vars_, default=str)]))
        if not parsed.success:
            return None  # the run itself reports why
        while len(_MANIFESTS) >= _MANIFESTS_KEPT:
            del _MANIFESTS[next(iter(_MANIFESTS))]
        _MANIFESTS[key] = parsed.result
    # the least recently used goes first
    _MANIFESTS[key] = _MANIFESTS.pop(key)
    return _MANIFESTS[key]


def _dbt_in_process(args: list[str], vars_: Mapping[str, Any], env: dict[str, str]) -> DbtResult:
    """Sequential invocations in this process, on a manifest parsed once per set of parse-time
    vars: about 3 s of a 7 s run is dbt's reparse after a var change. The dbt command line
    (scripts/run_tests.sh, `in_process=False`, the overlap tests' processes) parses as usual."""
    from dbt.cli.main import dbtRunner

    lines: list[str] = []
    manifest = _parsed_manifest(args, vars_, env)
    runner = dbtRunner(manifest=manifest, callbacks=[lambda event: lines.append(event.info.msg)])
    result = _with_env(env, lambda: runner.invoke(args))
    if result.exception is not None:
        lines.append(str(result.exception))
    return DbtResult(0 if result.success else 1, "\n".join(lines))


def dbt(
    command: list[str],
    schema: str,
    variables: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    target_path: str | None = None,
    check: bool = True,
    in_process: bool = True,
) -> DbtResult:
    """Run a dbt command in the project with the target schema and vars given.

    In this process by default (each invocation opens and closes its own connections, so an
    `env` such as PGTZ applies); in a new process with `in_process=False`."""
    args = [*command]
    vars_ = {"source_schema": schema, **(variables or {})}
    args += ["--vars", json.dumps(vars_, default=str)]
    if target_path:
        args += ["--target-path", target_path]
    full_env = dbt_env(schema, env)
    if in_process:
        cwd = os.getcwd()
        os.chdir(ROOT)
        try:
            result = _dbt_in_process(args, vars_, full_env)
        finally:
            os.chdir(cwd)
    else:
        proc = subprocess.run([str(VENV_BIN / "dbt"), *args], cwd=ROOT, env=full_env,
                              text=True, capture_output=True, check=False)
        result = DbtResult(proc.returncode, proc.stdout + proc.stderr)
    if check and result.returncode != 0:
        raise RuntimeError(f"dbt {' '.join(command)} failed ({result.returncode}):\n"
                           f"{result.stdout}")
    return result
