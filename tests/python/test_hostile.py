"""Hostile input and operator mistakes: no row, var or command may stop the aggregation or
silently corrupt it. Each test reproduces one case of README › Bad input and operator mistakes
against the real PostgreSQL, and compares with the plain-Python oracle where numbers are involved.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
import secrets

import psycopg
import pytest
from analytics_db import ROOT, connect, create_raw_table, dbt
from conftest import Project, project_copy, ts
from oracle import truth
from psycopg import sql
from security import ALICE, APP_TABLES, as_identity, load_identities
from test_rollups import check_all

HOUR = dt.timedelta(hours=1)
AS_OF = ts("2026-03-05 12:05")


def event(at: str | dt.datetime, **values: object) -> dict:
    row = {"project_id": "p1", "event_type": "impression", "event_label": "hero",
           "visitor_id": "v1", "session_id": "s1",
           "created_at": ts(at) if isinstance(at, str) else at}
    row.update(values)
    return row


def history(p: Project, days: int = 5) -> None:
    p.insert([event(f"2026-03-0{d} {h:02d}:20", visitor_id=f"v{h % 5}", session_id=f"s{d}{h}",
                    event_label=("hero", "cta", None)[h % 3])
              for d in range(1, days + 1) for h in range(0, 24, 2)])


def noise(size: int) -> str:
    """`size` characters of random text: incompressible, so TOAST cannot shrink it."""
    return secrets.token_urlsafe(size)[:size]


def warnings(p: Project, select: str) -> int:
    """How many rows a warn-level test reported (0 when it passed)."""
    out = dbt(["test", "--select", select], p.schema,
              {"app_schema": p.schema, "policy_schema": f"{p.schema}_private"},
              check=False).stdout
    found = re.search(r"Got (\d+) results?, configured to warn", out)
    assert found or "PASS" in out, out
    return int(found.group(1)) if found else 0


# --- 1, 3, 4: any value in any column --------------------------------------------------------
def test_any_value_of_any_length_is_aggregated_or_counted(project: Project) -> None:
    history(project, days=3)
    project.dbt_run(ts("2026-03-03 12:05"))
    hostile = []
    for size in (3_000, 10_000):
        for column in ("project_id", "visitor_id", "session_id", "event_type", "event_label"):
            hostile.append(event("2026-03-03 12:30", **{column: noise(size)}))
    # the same long label twice and a second one sharing its first 200 characters: distinct
    long_label = noise(1_500)
    hostile += [event("2026-03-03 12:40", event_label=long_label),
                event("2026-03-03 12:41", event_label=long_label, visitor_id="v9"),
                event("2026-03-03 12:42", event_label=long_label[:200] + noise(1_000))]
    # multi-byte characters: the limits are bytes
    hostile.append(event("2026-03-03 12:43", event_label="é" * 600, visitor_id="ü" * 150))
    # empty strings and whitespace mean missing
    hostile += [event("2026-03-03 12:50", project_id=""), event("2026-03-03 12:51",
                event_type=" "), event("2026-03-03 12:52", visitor_id="", session_id="\t")]
    project.insert(hostile)
    # implausible times: before 2000, in the future, infinity both ways
    project.insert([event("1970-01-01 00:00"), event("2100-01-01 00:00")])
    project.execute("insert into {schema}.analytics_events (project_id, event_type, created_at) "
                    "values ('p1', 'impression', 'infinity'), ('p1', 'impression', '-infinity')")

    as_of = ts("2026-03-03 14:05")
    project.dbt_run(as_of)  # once failed: index row size exceeds btree maximum 2704
    check_all(project, as_of, "UTC")
    project.refresh(as_of + HOUR)  # the pg_cron path reads the same rows
    check_all(project, as_of + HOUR, "UTC")
    # left out: 2 long project ids, 2 long types, a blank project, a blank type, 4 times
    assert warnings(project, "analytics_events_unaggregatable_rows") == 10
    # aggregated with a changed value: 4 long ids, 2 + 3 long labels, the multi-byte row,
    # the blank visitor
    assert warnings(project, "analytics_events_altered_values") == 11
    # a visitor with a blank id is an event, not a visitor
    hour = project.conn.execute(sql.SQL(
        "select event_count, unique_visitors from {}.analytics_events_hourly_type_agg "
        "where hour_bucket = %s and project_id = 'p1'").format(project.ident),
        (ts("2026-03-03 12:00"),)).fetchone()
    assert hour[1] < hour[0]
    # nothing after as_of is stored or shown: the live view stops at now()
    future = project.conn.execute(sql.SQL(
        "select count(*) from {}.analytics_events_hourly_live where hour_bucket > now()"
    ).format(project.ident)).fetchone()[0]
    assert future == 0


def test_future_rows_do_not_make_a_stalled_source_look_fresh(project: Project) -> None:
    project.insert([event(dt.datetime.now(dt.UTC) - dt.timedelta(days=3)),
                    event("2100-01-01 00:00")])
    project.execute("insert into {schema}.analytics_events (project_id, event_type, created_at) "
                    "values ('p1', 'impression', 'infinity')")
    out = dbt(["source", "freshness"], project.schema, check=False)
    assert out.returncode != 0 and "ERROR STALE" in out.stdout, out.stdout


def test_as_of_in_the_future_or_malformed_is_refused(project: Project) -> None:
    history(project, days=1)
    future = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    for value, message in [
        (future.isoformat(), "is in the future"),
        ("2026-13-45", "var 'as_of' must be an ISO 8601 timestamp"),
        (12345, "var 'as_of' must be an ISO 8601 timestamp"),
        ("2026-02-30T10:00:00Z", "no such date"),
    ]:
        out = dbt(["run"], project.schema, {"as_of": value, "app_schema": project.schema,
                                             "policy_schema": f"{project.schema}_private"},
                  check=False)
        assert out.returncode != 0 and message in out.stdout, (value, out.stdout[-2000:])
    assert project.conn.execute("select to_regclass(%s)", (
        f'"{project.schema}".analytics_events_hourly_agg',)).fetchone()[0] is None
    project.dbt_run(ts("2026-03-01 12:05"))
    with pytest.raises(psycopg.errors.RaiseException, match="p_as_of must be a finite time"):
        project.refresh(future)
    with pytest.raises(psycopg.errors.RaiseException, match="p_from and p_to must be finite"):
        project.conn.execute(sql.SQL("select * from {}.analytics_event_series('p1', "
                                     "'-infinity', 'infinity')").format(project.ident))


# --- 2: re-running an old slot ----------------------------------------------------------------
@pytest.mark.parametrize("runner", ["dbt", "function"])
def test_an_old_as_of_never_shrinks_what_a_later_run_stored(project: Project,
                                                          runner: str) -> None:
    history(project)
    project.dbt_run(AS_OF)
    check_all(project, AS_OF, "UTC")
    old_slot = ts("2026-03-04 10:05")  # yesterday's 10:00 slot, re-run by a scheduler
    if runner == "dbt":
        project.dbt_run(old_slot)
    else:
        project.refresh(old_slot)
    check_all(project, AS_OF, "UTC")  # nothing shrank (once: the day cut to 10:00)
    later = AS_OF + HOUR
    project.refresh(later) if runner == "function" else project.dbt_run(later)
    check_all(project, later, "UTC")


# --- 7: the rollup zone -----------------------------------------------------------------------
def test_changing_the_rollup_zone_is_refused_until_rebuilt(project: Project) -> None:
    history(project, days=2)
    project.dbt_run(ts("2026-03-02 12:05"))
    daily = ("project_id", "event_type", "event_label", "day_bucket", "event_count")
    before = project.table_rows("analytics_events_daily_agg", daily)
    out = dbt(["run"], project.schema, {"as_of": "2026-03-02T13:05:00Z",
                                         "rollup_time_zone": "Asia/Kolkata",
                                         "app_schema": project.schema,
                                         "policy_schema": f"{project.schema}_private"},
              check=False)
    assert out.returncode != 0 and "built with rollup_time_zone UTC" in out.stdout, out.stdout
    assert "--full-refresh" in out.stdout
    assert project.table_rows("analytics_events_daily_agg", daily) == before
    # the function the failed run re-created (Kolkata) refuses too
    with pytest.raises(psycopg.errors.RaiseException, match="rollup_time_zone"):
        project.refresh(ts("2026-03-02 13:05"))
    project.dbt_run(ts("2026-03-02 13:05"), full_refresh=True, rollup_time_zone="Asia/Kolkata")
    check_all(project, ts("2026-03-02 13:05"), "Asia/Kolkata")
    project.refresh(ts("2026-03-02 14:05"))
    check_all(project, ts("2026-03-02 14:05"), "Asia/Kolkata")


# --- 6: checks stop the run -------------------------------------------------------------------
def test_a_failed_start_check_runs_no_model(project: Project) -> None:
    history(project, days=1)
    project.execute("drop index {schema}.analytics_events_created_at_idx")
    out = dbt(["run"], project.schema, {"as_of": "2026-03-01T12:05:00Z",
                                         "app_schema": project.schema,
                                         "policy_schema": f"{project.schema}_private"},
              check=False)
    assert out.returncode != 0 and "no index starting with created_at" in out.stdout
    built = project.conn.execute(
        "select count(*) from pg_class where relnamespace = %s::regnamespace "
        "and relkind in ('r', 'v') and relname like 'analytics_%%' "
        "and relname <> 'analytics_events'", (project.schema,)).fetchone()[0]
    assert built == 0, "a model ran after the check failed"


# --- 8: deployments in one database -----------------------------------------------------------
def test_two_deployments_with_long_alike_names_and_other_app_tables(conn: psycopg.Connection
                                                                    ) -> None:
    suffix = secrets.token_hex(3)
    prefix = "t_deployment_with_a_long_and_similar_name_for_tests_"
    schemas = [f"{prefix}{suffix}_one", f"{prefix}{suffix}_two"]
    apps = [f"t_app_{suffix}_one", f"t_app_{suffix}_two"]
    assert len(schemas[0]) > 41
    shared_private = f"t_shared_private_{suffix}"
    try:
        for n, schema in enumerate(schemas):
            create_raw_table(conn, schema)
            p = Project(conn, schema)
            p.insert([event("2026-03-01 10:20", project_id="proj_a", visitor_id=f"v{n}{i}")
                      for i in range(3 + 4 * n)])
            # the open hour (after as_of): only the live view shows it, from this schema's rows
            p.insert([event("2026-03-01 12:30", project_id="proj_a")] * (n + 1))
            dbt(["run"], schema, {"as_of": "2026-03-01T12:05:00Z",
                                  "app_schema": apps[n],
                                  "policy_schema": shared_private})
            if n == 0:  # the first deployment's owner: alice, through its own app tables
                load_identities(conn, apps[0])
        query = sql.SQL("select coalesce(sum(event_count), 0) from {}.{}")
        seen = [as_identity(conn, "authenticated", ALICE, query.format(
            sql.Identifier(s), sql.Identifier("analytics_events_hourly_agg")))[0][0]
            for s in schemas]
        assert seen == [3, 0]  # the second deployment's app tables give alice nothing
        stored = [conn.execute(sql.SQL("select coalesce(sum(event_count), 0) from {}.{}").format(
            sql.Identifier(s), sql.Identifier("analytics_events_hourly_agg"))).fetchone()[0]
            for s in schemas]
        assert stored == [3, 7]
        shown = [conn.execute(sql.SQL("select sum(event_count) from {}.{}").format(
            sql.Identifier(s), sql.Identifier("analytics_events_hourly_live"))).fetchone()[0]
            for s in schemas]
        assert shown == [3 + 1, 7 + 2]  # once: one schema's live view showed the other's
        functions = conn.execute(
            "select count(distinct proname) from pg_proc where pronamespace = %s::regnamespace",
            (shared_private,)).fetchone()[0]
        # each: two lookups, an open-hours function, two key aggregates and their final functions
        assert functions == 2 * 7
    finally:
        for schema, app in zip(schemas, apps, strict=True):
            conn.execute(sql.SQL("drop schema if exists {}, {} cascade").format(
                sql.Identifier(schema), sql.Identifier(app)))
        conn.execute(sql.SQL("drop schema if exists {} cascade").format(
            sql.Identifier(shared_private)))


# --- 9: quoting and privileges ----------------------------------------------------------------
def test_quotes_in_vars(project: Project) -> None:
    history(project, days=1)
    app = f"{project.schema}_app's"
    project.dbt_run(ts("2026-03-01 12:05"), app_schema=app,
                    engagement_interaction_type="it's", engagement_impression_type="impression")
    rows = project.conn.execute(sql.SQL(
        "select count(*) from {}.analytics_engagement_daily").format(project.ident)).fetchone()
    assert rows[0] > 0
    out = dbt(["run"], project.schema, {"source_schema": 'x"; drop table y; --',
                                         "app_schema": project.schema}, check=False)
    assert out.returncode != 0 and "var 'source_schema' may not contain a double quote" in \
        out.stdout, out.stdout[-2000:]
    project.conn.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(app)))


API_ROLES = ("anon", "authenticated", "service_role")


def api_privileges(conn: psycopg.Connection, schemas: list[str]) -> set[tuple]:
    """(object, role, privilege) for every privilege an API role or PUBLIC holds on a table,
    view, sequence or function in `schemas`."""
    rows = conn.execute("""
        select c.relname, coalesce(r.rolname, 'public'), a.privilege_type
        from pg_class as c
        cross join lateral aclexplode(c.relacl) as a
        left join pg_roles as r on r.oid = a.grantee
        where (select nspname from pg_namespace where oid = c.relnamespace) = any(%(s)s)
            and c.relkind in ('r', 'v', 'S', 'p', 'm')
            and (r.rolname = any(%(roles)s) or a.grantee = 0)
        union all
        select p.proname, coalesce(r.rolname, 'public'), a.privilege_type
        from pg_proc as p
        cross join lateral aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) as a
        left join pg_roles as r on r.oid = a.grantee
        where (select nspname from pg_namespace where oid = p.pronamespace) = any(%(s)s)
            and (r.rolname = any(%(roles)s) or a.grantee = 0)
    """, {"s": schemas,
          "roles": list(API_ROLES)}).fetchall()
    return set(rows)


def test_exact_privileges_under_legacy_default_privileges(project: Project) -> None:
    schema, private = project.schema, f"{project.schema}_private"
    project.conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(private)))
    for s in (schema, private):
        for kind in ("tables", "sequences", "functions"):
            project.conn.execute(sql.SQL(
                "alter default privileges in schema {} grant all on {} to anon, authenticated, "
                "service_role").format(sql.Identifier(s), sql.SQL(kind)))
    history(project, days=1)
    readable = {"analytics_events_hourly_agg", "analytics_events_daily_agg",
                "analytics_events_hourly_type_agg", "analytics_events_daily_type_agg",
                "analytics_events_weekly_agg", "analytics_events_weekly_type_agg",
                "analytics_events_hourly_sets", "analytics_events_project_hourly_sets",
                "analytics_events_project_daily_sets", "analytics_events_daily_sets",
                "analytics_events_daily_type_sets", "analytics_events_weekly_visitor_sets",
                "analytics_events_hourly_live",
                "analytics_engagement_daily"}
    callable_ = {"analytics_event_series", "analytics_label_performance", "analytics_kpi_totals"}
    expected = ({(t, r, "SELECT") for t in readable for r in ("authenticated", "service_role")}
                | {(f, r, "EXECUTE") for f in callable_ for r in ("authenticated", "service_role")})
    for step in ("build", "full-refresh", "late-changes"):
        project.dbt_run(ts("2026-03-01 12:05"), full_refresh=step == "full-refresh",
                        track_late_changes=step == "late-changes")
        got = api_privileges(project.conn, [schema, private])
        # the policy lookups and the open-hours function: EXECUTE for what RLS needs only
        # the app's own tables (here the stand-ins, in the same schema) are not the project's
        got = {g for g in got if g[0] not in APP_TABLES}
        got = {g for g in got if not (g[0].startswith("analytics_is_admin__")
                                      or g[0].startswith("analytics_visible_project_ids__")
                                      or g[0].startswith("analytics_open_hours__"))}
        assert got == expected, (step, got ^ expected)
        # anon cannot reset the identity sequence (once: anon=rwU, then duplicate keys)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_identity(project.conn, "anon", None, sql.SQL(
                "select setval({}, 1)").format(sql.Literal(
                    f'"{schema}".analytics_events_hourly_agg_id_seq')))
    sequences = project.conn.execute(
        "select array_agg(relname order by relname) from pg_class where relkind = 'S' "
        "and relnamespace = %s::regnamespace and relname <> 'analytics_events_id_seq'",
        (schema,)).fetchone()[0]
    # nothing accumulates across rebuilds (once: ..._id_seq1 after --full-refresh)
    assert sequences == ["analytics_events_hourly_agg_id_seq"]


def test_no_stand_ins_unless_asked(project: Project) -> None:
    """A real database's app tables are never touched: no index, no table, no role created."""
    app = f"{project.schema}_app"
    project.conn.execute(sql.SQL("create schema {}").format(sql.Identifier(app)))
    for ddl in ("create table {}.admin_users (user_id uuid)",
                "create table {}.account (id uuid, user_id uuid, name text)",
                "create table {}.account_collaborator (account_id uuid, user_id uuid)",
                "create table {}.project (project_id text, account_id uuid, name text)"):
        project.conn.execute(sql.SQL(ddl).format(sql.Identifier(app)))
    history(project, days=1)
    project.dbt_run(ts("2026-03-01 12:05"), app_schema=app,
                    env={"ANALYTICS_SUPABASE_STAND_INS": "", "DBT_TARGET": "local"})
    indexes = project.conn.execute("select count(*) from pg_indexes where schemaname = %s",
                                   (app,)).fetchone()[0]
    assert indexes == 0
    project.conn.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(app)))


# --- 11: part of the project, every documented var --------------------------------------------
def test_select_part_of_the_project_on_a_fresh_database(project: Project) -> None:
    history(project, days=1)
    out = project.dbt_run(ts("2026-03-01 12:05"), select="+analytics_events_hourly_agg")
    assert "Completed successfully" in out
    result = project.refresh(ts("2026-03-01 13:05"))
    assert set(result) == {"as_of", "analytics_events_hourly_sets", "analytics_events_hourly_agg"}
    assert {r[:4]: r[4:] for r in project.table_rows()} == truth(
        project.raw_rows(), ts("2026-03-01 13:05"), "hour")


def test_build_with_late_change_tracking_on(project: Project) -> None:
    history(project, days=1)
    out = dbt(["build", "--exclude", "resource_type:seed"], project.schema,
              {"as_of": "2026-03-01T12:05:00Z", "track_late_changes": True,
               "app_schema": project.schema, "policy_schema": f"{project.schema}_private"},
              check=False)
    assert out.returncode == 0, out.stdout[-3000:]


def test_recency_passes_a_quiet_night_and_fails_while_events_wait(project: Project) -> None:
    history(project, days=1)
    project.dbt_run(ts("2026-03-01 23:05"))

    def recency(as_of: str) -> int:
        return dbt(["test", "--select", "tag:freshness"], project.schema,
                   {"as_of": as_of, "app_schema": project.schema,
                    "policy_schema": f"{project.schema}_private"}, check=False).returncode

    assert recency("2026-03-02T04:05:00Z") == 0  # no events since: nothing is late
    project.insert([event("2026-03-02 01:10")])
    assert recency("2026-03-02T04:05:00Z") != 0  # an event waits 3 hours: stale


# --- 12: a run killed between models heals on the next run ------------------------------------
def test_the_next_run_heals_a_run_that_stopped_between_models(project: Project) -> None:
    history(project)
    project.dbt_run(ts("2026-03-04 12:05"))
    project.insert([event("2026-03-04 12:30", visitor_id="new")])
    # what a kill after the hourly model's commit leaves: hourly ahead of everything else
    project.dbt_run(ts("2026-03-05 12:05"), select="analytics_events_hourly_agg")
    project.dbt_run(ts("2026-03-05 13:05"))
    check_all(project, ts("2026-03-05 13:05"), "UTC")


def test_ops_status_follows_the_schema_and_checks_its_arguments(project: Project) -> None:
    from test_ops import ops

    if project.conn.execute("select 1 from pg_extension where extname = 'pg_cron'"
                            ).fetchone() is None:
        pytest.skip("pg_cron is not installed here (make test's PostgreSQL 15 cluster has it)")
    history(project, days=1)
    project.dbt_run(ts("2026-03-01 12:05"))
    out = ops("status", "--schema", project.schema, "--json")
    assert out.returncode in (0, 1), out.stderr  # not 2: the raw table was found
    assert json.loads(out.stdout)["newest_hour_bucket"] is not None
    for args, message in [
        (("register", "--schema", project.schema, "--purge-history-days", "100000000000"),
         "--purge-history-days"),
        (("register", "--schema", project.schema, "--schedule", "0 0 31 2 *"), "never fires"),
        (("status", "--schema", project.schema, "--runs", "-1"), "--runs: must be between"),
        (("status", "--schema", project.schema, "--max-failures", "0"), "must be between"),
        (("status", "--schema", project.schema, "--max-lag-hours", "nan"), "finite number"),
        (("status", "--schema", project.schema, "--max-lag-hours", "inf"), "finite number"),
        (("status", "--schema", project.schema, "--max-dashboard-ms", "-5"), "above 0"),
    ]:
        out = ops(*args)
        assert out.returncode == 2 and message in out.stderr, out.stderr
    out = ops("status", "--schema", project.schema, env={"PGHOST": "no-such-host.invalid"})
    assert out.returncode == 2 and "'no-such-host.invalid'" in out.stderr, out.stderr
    assert "PGHOST=no-such-host.invalid" in out.stderr and "None" not in out.stderr
    out = ops("register", "--schema", project.schema, "--job-name", "it's a job", "--dry-run")
    assert out.returncode == 0, out.stderr
    assert "cron.schedule('it''s a job'" in out.stdout, out.stdout


def test_application_inserts_never_wait_or_deadlock(project: Project) -> None:
    history(project, days=1)
    project.dbt_run(ts("2026-03-01 12:05"), track_late_changes=True)
    first, second = connect(autocommit=False), connect(autocommit=False)
    insert = sql.SQL("insert into {}.analytics_events (project_id, event_type, created_at) "
                     "values ('p1', 'impression', %s)").format(project.ident)
    try:
        for c in (first, second):
            c.execute("set lock_timeout = '2s'")
        first.execute(insert, (ts("2026-03-01 10:10"),))
        second.execute(insert, (ts("2026-03-01 11:20"),))
        first.execute(insert, (ts("2026-03-01 11:10"),))  # once: waited, then deadlocked
        second.execute(insert, (ts("2026-03-01 10:20"),))
        first.commit()
        second.commit()
    finally:
        first.close()
        second.close()
    at = ts("2026-03-01 13:05")
    project.refresh(at)
    check_all(project, at, "UTC")




DECLARATION = re.compile(r"\{%- set analytics = \{\n.*?\n\} -%\}\n", re.S)
# (model, its declaration changed, the error that must name what is wrong)
WRONG_DECLARATIONS = [
    ("analytics_events_daily_sets", {"grain": "month"},
     "grain must be hour, utc_day, day or week, got month"),
    ("analytics_events_daily_sets", {"grian": "day"}, "unknown key 'grian'"),
    ("analytics_events_weekly_agg", {"unique": ["week_bucket", "project_id", "event_type"]},
     "unique must list distinct columns including week_bucket and every nullable key"),
    ("analytics_events_daily_agg", {"unique": ["hour_bucket", "project_id", "event_type",
                                               "event_label"]},
     "unique must list distinct columns including day_bucket"),
    ("analytics_events_daily_agg", {"unique": ["day_bucket", "project_id", "project_id",
                                               "event_label"]},
     "unique must list distinct columns"),
    ("analytics_events_hourly_sets", {"kept_for": ["analytics_events_hourly_live"]},
     "kept_for 'analytics_events_hourly_live', which is not a maintained model"),
    ("analytics_events_project_daily_sets", {"build": "event_sets"},
     "a build 'event_sets' model reads no maintained model, it refs "
     "analytics_events_project_hourly_sets"),
    ("analytics_events_hourly_sets", {"build": "sets"},
     "a build 'sets' model reads exactly one maintained model, it refs none"),
    ("analytics_events_project_daily_sets", {"closed_buckets": "yes"},
     "closed_buckets is true or false, and only for a day or week grain"),
    ("analytics_events_project_hourly_sets", {"closed_buckets": True},
     "closed_buckets is true or false, and only for a day or week grain"),
    ("analytics_events_hourly_sets", {"grain": "day", "closed_buckets": True},
     "that is kept for no reader, got True for grain day"),
    ("analytics_events_weekly_visitor_sets", {"members": ["visitors"]},
     "members lists visitor, session or both, in that order"),
    ("analytics_events_weekly_visitor_sets", {"members": "visitor"},
     "members lists visitor, session or both, in that order"),
    ("analytics_events_weekly_visitor_sets", {"members": []},
     "members lists visitor, session or both, in that order"),
    ("analytics_events_weekly_visitor_sets", {"members": ["session", "visitor"]},
     "members lists visitor, session or both, in that order"),
    ("analytics_events_weekly_visitor_sets", {"members": ["visitor", "visitor"]},
     "members lists visitor, session or both, in that order"),
    ("analytics_events_daily_agg", {"members": ["visitor"]},
     "only a build 'sets' model keeps fewer than both, got ['visitor']"),
]


@pytest.mark.parametrize(("model", "change", "message"), WRONG_DECLARATIONS)
def test_a_wrong_model_declaration_is_refused_by_name(project: Project, model: str,
                                                      change: dict, message: str) -> None:
    """What a model is, declared once at the top of its file (meta.analytics), is checked before
    any SQL is made from it: a grain, key or build that would make wrong SQL stops with what is
    wrong. The declaration as the model file has it, with one entry changed, is given to
    analytics_model_spec as analytics_run_context gives it."""
    text = (ROOT / "models" / "marts" / f"{model}.sql").read_text()
    declared = DECLARATION.match(text)
    assert declared, f"{model}: the declaration opens the model file"
    python = declared.group(0)[len("{%- set analytics = "):-len(" -%}\n")]
    spec = ast.literal_eval(python.replace("true", "True"))  # the dict the model declares
    args = {"model_name": model, "declared": {**spec, **change}}
    ok = dbt(["run-operation", "analytics_model_spec", "--args",
              json.dumps({"model_name": model, "declared": spec})], project.schema, check=False)
    assert ok.returncode == 0, ok.stdout[-3000:]
    result = dbt(["run-operation", "analytics_model_spec", "--args", json.dumps(args)],
                 project.schema, check=False)
    assert result.returncode != 0
    assert message in result.stdout, result.stdout[-3000:]


def test_a_model_that_names_another_in_analytics_run_stops_the_parse(project: Project,
                                                                       tmp_path) -> None:
    copy = project_copy(tmp_path)
    path = copy / "models" / "marts" / "analytics_events_weekly_type_agg.sql"
    text = path.read_text()
    assert "analytics_run_context('analytics_events_weekly_type_agg'" in text
    path.write_text(text.replace("analytics_run_context('analytics_events_weekly_type_agg'",
                                 "analytics_run_context('analytics_events_daily_type_agg'"))
    result = dbt(["parse", "--project-dir", str(copy)], project.schema,
                 target_path=str(tmp_path / "target"), check=False)
    assert result.returncode != 0
    assert ("analytics_run_context('analytics_events_daily_type_agg') is called in model "
            "'analytics_events_weekly_type_agg': pass the model's own name") in result.stdout
