"""The pgTAP checks users run on their own database (supabase/tests, `supabase test db`,
`pg_prove`, `analytics_ops.py verify`): they pass on a deployment, and fail when a grant, RLS or
a policy is changed by hand."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import psycopg
import pytest
from analytics_db import ROOT
from conftest import Project, ts
from psycopg import sql
from security import ALICE, load_identities
from test_ops import ops

TAP_FILE = ROOT / "supabase" / "tests" / "analytics_security.test.sql"


@pytest.fixture(scope="module", autouse=True)
def needs_pgtap(conn: psycopg.Connection) -> None:
    if conn.execute("select 1 from pg_extension where extname = 'pgtap'").fetchone() is None:
        pytest.skip("pgTAP is not installed in this database (make test's PostgreSQL 15 "
                    "cluster has it; the PostgreSQL 17 build does not)")
    if shutil.which("pg_prove") is None:
        pytest.skip("pg_prove is not installed (Debian: libtap-parser-sourcehandler-pgtap-perl)")


def pg_prove(p: Project) -> subprocess.CompletedProcess[str]:
    options = (f"-c analytics.schema={p.schema} -c analytics.app_schema={p.schema} "
               f"-c analytics.policy_schema={p.schema}_private -c analytics.user_id={ALICE}")
    return subprocess.run(["pg_prove", "--verbose", str(TAP_FILE)], capture_output=True,
                          text=True, env={**os.environ, "PGOPTIONS": options}, check=False)


def test_pgtap_passes_then_fails_on_every_hand_made_hole(project: Project) -> None:
    project.insert([{"project_id": p, "event_type": "impression", "event_label": None,
                     "visitor_id": "v", "created_at": ts("2026-03-01 10:30")}
                    for p in ("proj_a", "proj_c", "proj_d")])
    project.dbt_run(ts("2026-03-01 12:05"))
    load_identities(project.conn, project.schema)
    ok = pg_prove(project)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "the user sees exactly the projects" in ok.stdout
    verify = ops("verify", "--schema", project.schema, "--app-schema", project.schema,
                 "--policy-schema", f"{project.schema}_private", "--user-id", ALICE)
    assert verify.returncode == 0 and verify.stdout.strip().endswith("PASS"), verify.stdout

    s = project.ident
    holes = [
        (sql.SQL("grant insert on {}.analytics_events_daily_agg to anon").format(s),
         sql.SQL("revoke insert on {}.analytics_events_daily_agg from anon").format(s),
         "tables, views and sequences"),
        (sql.SQL("grant usage on sequence {}.analytics_events_hourly_agg_id_seq to anon").format(
            s), sql.SQL("revoke usage on sequence {}.analytics_events_hourly_agg_id_seq "
                        "from anon").format(s), "tables, views and sequences"),
        (sql.SQL("grant execute on function {}.analytics_refresh_aggregates(timestamptz, "
                 "timestamptz, timestamptz, integer, integer) to authenticated").format(s),
         sql.SQL("revoke execute on function {}.analytics_refresh_aggregates(timestamptz, "
                 "timestamptz, timestamptz, integer, integer) from authenticated").format(s),
         "functions"),
        (sql.SQL("alter table {}.analytics_events_weekly_agg disable row level security").format(
            s), sql.SQL("alter table {}.analytics_events_weekly_agg enable row level security"
                        ).format(s), "row level security on"),
        (sql.SQL("alter view {}.analytics_events_hourly_live set (security_invoker = false)"
                 ).format(s), sql.SQL("alter view {}.analytics_events_hourly_live set "
                                      "(security_invoker = true)").format(s), "security_invoker"),
        (sql.SQL("drop policy \"Users can view their project aggregated events\" on "
                 "{}.analytics_events_daily_agg").format(s), None, "the tenant policy"),
    ]
    for hole, repair, check in holes:
        project.conn.execute(hole)
        broken = pg_prove(project)
        assert broken.returncode != 0, (hole, broken.stdout)
        assert any(line.startswith("not ok") and check in line
                   for line in broken.stdout.splitlines()), (check, broken.stdout)
        if repair is not None:
            project.conn.execute(repair)
    verify = ops("verify", "--schema", project.schema, "--app-schema", project.schema,
                 "--policy-schema", f"{project.schema}_private")
    assert verify.returncode == 1 and "not ok" in verify.stdout, verify.stdout


def test_verify_without_pgtap_says_how_to_enable_it(conn: psycopg.Connection) -> None:
    db = f"t_nopgtap_{uuid.uuid4().hex[:8]}"
    conn.execute(sql.SQL("create database {}").format(sql.Identifier(db)))
    try:
        out = ops("verify", env={"PGDATABASE": db})
        assert out.returncode == 2, out.stdout + out.stderr
        assert "Database > Extensions > pgtap" in out.stderr and "nothing was" in out.stderr
        with psycopg.connect(dbname=db, autocommit=True) as other:
            assert other.execute("select count(*) from pg_class where relnamespace = "
                                 "'public'::regnamespace").fetchone()[0] == 0
    finally:
        conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(db)))
