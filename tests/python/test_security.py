"""Tenant isolation on a Supabase-shaped database: RLS policies, grants, security-invoker views,
full refreshes under concurrent readers, and the plans the policies produce."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from analytics_db import connect, create_raw_table
from conftest import Project, ts
from psycopg import sql
from security import ALICE, BOB, CAROL, DAVE, ERIN, FRANK, as_identity, load_identities

PROJECTS = ("proj_a", "proj_b", "proj_c", "proj_d", "proj_orphan")
VISIBLE = {
    ALICE: {"proj_a", "proj_b"},
    BOB: {"proj_c"},
    CAROL: {"proj_c"},
    DAVE: {"proj_d"},
    ERIN: set(PROJECTS),
    FRANK: set(),
}
TABLES = ("analytics_events_hourly_agg", "analytics_events_daily_agg",
          "analytics_events_hourly_type_agg", "analytics_events_daily_type_agg",
          "analytics_events_weekly_agg", "analytics_events_weekly_type_agg",
          "analytics_events_hourly_slices", "analytics_events_project_hourly_sets",
          "analytics_events_project_daily_sets", "analytics_events_daily_sets",
          "analytics_events_daily_type_sets", "analytics_events_weekly_visitor_sets",
          "analytics_events_daily_visitor_bands")
VIEWS = ("analytics_events_hourly_live", "analytics_engagement_daily")
EXPOSED = TABLES + VIEWS
AS_OF = ts("2026-03-02 12:05")  # a Monday


def deploy(project: Project) -> Project:
    project.insert([{"project_id": p, "event_type": "impression", "event_label": label,
                     "visitor_id": f"v{h}", "created_at": ts("2026-03-01 20:30") + h * (
                         ts("2026-03-01 01:00") - ts("2026-03-01 00:00"))}
                    for p in PROJECTS for h in range(17) for label in (None, "hero")])
    # hour 12:00 is still open at AS_OF: only the live view shows it, from the raw rows; the
    # day and the ISO week before have ended, so every table, the project daily sets and the
    # weekly visitor sets included, has rows
    project.dbt_run(AS_OF)
    load_identities(project.conn, project.schema)
    return project


@pytest.fixture
def secured(project: Project) -> Project:
    return deploy(project)


@pytest.fixture(scope="module")
def shared(conn: psycopg.Connection) -> Iterator[Project]:
    """One deployment for the read-only probes below (one per test cost a build each)."""
    schema = f"t_security_shared_{uuid.uuid4().hex[:6]}"
    create_raw_table(conn, schema)
    yield deploy(Project(conn, schema))
    conn.execute(sql.SQL("drop schema if exists {}, {} cascade").format(
        sql.Identifier(schema), sql.Identifier(f"{schema}_private")))


def visible_projects(p: Project, relation: str, role: str, sub: str | None) -> set[str]:
    query = sql.SQL("select distinct project_id from {}.{}").format(
        sql.Identifier(p.schema), sql.Identifier(relation))
    return {r[0] for r in as_identity(p.conn, role, sub, query)}


@pytest.mark.parametrize("relation", EXPOSED)
def test_each_identity_sees_exactly_its_tenants_rows(shared: Project, relation: str) -> None:
    secured = shared
    for sub, expected in VISIBLE.items():
        assert visible_projects(secured, relation, "authenticated", sub) == expected, sub
    # authenticated without a JWT sees nothing; service_role (server side) bypasses RLS
    assert visible_projects(secured, relation, "authenticated", None) == set()
    assert visible_projects(secured, relation, "service_role", None) == set(PROJECTS)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        visible_projects(secured, relation, "anon", None)


@pytest.mark.parametrize("relation", TABLES)
@pytest.mark.parametrize("role", ["anon", "authenticated", "service_role"])
def test_no_api_role_can_write(shared: Project, relation: str, role: str) -> None:
    secured = shared
    target = sql.SQL("{}.{}").format(sql.Identifier(secured.schema), sql.Identifier(relation))
    statements = [
        sql.SQL("insert into {} (project_id) values ('proj_a')").format(target),
        sql.SQL("update {} set project_id = project_id").format(target),
        sql.SQL("delete from {}").format(target),
        sql.SQL("truncate {}").format(target),
    ]
    for statement in statements:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_identity(secured.conn, role, ALICE, statement + sql.SQL(" returning 1")
                        if not statement.as_string(secured.conn).startswith("truncate")
                        else statement)


def test_live_view_open_hour_is_isolated_too(secured: Project) -> None:
    query = sql.SQL("select distinct project_id from {}.analytics_events_hourly_live "
                    "where is_open_hour").format(sql.Identifier(secured.schema))
    for sub, expected in VISIBLE.items():
        assert {r[0] for r in as_identity(secured.conn, "authenticated", sub, query)} == expected
    assert {r[0] for r in secured.conn.execute(query)} == set(PROJECTS)  # the owner sees all


def test_dashboard_functions_apply_rls(secured: Project) -> None:
    s = sql.Identifier(secured.schema)
    calls = {
        "kpi": sql.SQL("select * from {}.analytics_kpi_totals(%s, '2026-03-01', '2026-03-02')"),
        "series": sql.SQL("select count(*) from {}.analytics_event_series("
                          "%s, '2026-03-01', '2026-03-02')"),
        # a whole ISO week: read from the weekly visitor sets
        "labels": sql.SQL("select count(*) from {}.analytics_label_performance("
                          "%s, '2026-02-23', '2026-03-02', 'impression')"),
    }
    for name, query in calls.items():
        q = query.format(s)
        own = as_identity(secured.conn, "authenticated", ALICE, q, ("proj_a",))[0]
        other = as_identity(secured.conn, "authenticated", ALICE, q, ("proj_c",))[0]
        assert own[0] > 0, name
        assert other[0] == 0, name  # Bob's project: nothing, not even counts
        assert as_identity(secured.conn, "authenticated", CAROL, q, ("proj_c",))[0] == own
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_identity(secured.conn, "anon", None, q, ("proj_a",))


def test_refresh_function_is_not_callable_by_api_roles(secured: Project) -> None:
    call = sql.SQL("select {}.analytics_refresh_aggregates()").format(
        sql.Identifier(secured.schema))
    for role in ("anon", "authenticated", "service_role"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_identity(secured.conn, role, ERIN, call)


def test_staging_view_is_not_exposed_and_views_are_security_invoker(secured: Project) -> None:
    views = secured.conn.execute(
        "select c.relname, coalesce(c.reloptions, '{}') from pg_class as c "
        "join pg_namespace as n on n.oid = c.relnamespace "
        "where n.nspname = %s and c.relkind = 'v' order by 1", (secured.schema,)).fetchall()
    assert views, "the project creates views"
    for name, options in views:
        assert "security_invoker=true" in options, name
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        visible_projects(secured, "stg_analytics_events", "authenticated", ALICE)


def test_a_plain_view_would_leak_and_a_security_invoker_one_does_not(secured: Project) -> None:
    s = sql.Identifier(secured.schema)
    for name, options in (("leaky_view", sql.SQL("")),
                          ("invoker_view", sql.SQL("with (security_invoker = true) "))):
        secured.conn.execute(sql.SQL(
            "create view {}.{} {}as select * from {}.analytics_events_hourly_agg").format(
            s, sql.Identifier(name), options, s))
        secured.conn.execute(sql.SQL("grant select on {}.{} to authenticated").format(
            s, sql.Identifier(name)))
    # a view runs as its owner, who bypasses RLS: Alice would see every tenant
    assert visible_projects(secured, "leaky_view", "authenticated", ALICE) == set(PROJECTS)
    assert visible_projects(secured, "invoker_view", "authenticated", ALICE) == VISIBLE[ALICE]


def catalog(p: Project) -> dict[str, list[tuple]]:
    c = p.conn
    return {
        "policies": c.execute(
            "select tablename, policyname, permissive, roles::text, cmd, qual, with_check "
            "from pg_policies where schemaname = %s order by 1, 2", (p.schema,)).fetchall(),
        "indexes": c.execute(
            "select tablename, indexname, indexdef from pg_indexes where schemaname = %s "
            "order by 1, 2", (p.schema,)).fetchall(),
        "grants": c.execute(
            "select table_name, grantee, privilege_type from information_schema.role_table_grants "
            "where table_schema = %s order by 1, 2, 3", (p.schema,)).fetchall(),
        "rls": c.execute(
            "select c.relname, c.relrowsecurity from pg_class as c "
            "join pg_namespace as n on n.oid = c.relnamespace "
            "where n.nspname = %s and c.relkind in ('r', 'v') order by 1", (p.schema,)).fetchall(),
    }


def test_full_refresh_keeps_security_and_readers_never_see_other_tenants(
        secured: Project) -> None:
    first = catalog(secured)
    assert len(first["policies"]) == 2 * len(TABLES)
    assert ("analytics_events_hourly_agg", "authenticated", "SELECT") in first["grants"]
    assert not [g for g in first["grants"] if g[1] == "anon"]
    assert not [g for g in first["grants"]
                if g[1] in ("authenticated", "service_role") and g[2] != "SELECT"]

    stop = threading.Event()
    seen: list[set[str]] = []
    errors: list[BaseException] = []

    def reader(sub: str) -> None:
        with connect() as c:
            query = sql.SQL("select distinct project_id from {}.analytics_events_hourly_agg"
                            ).format(sql.Identifier(secured.schema))
            while not stop.is_set():
                try:
                    seen.append((sub, {r[0] for r in as_identity(c, "authenticated", sub, query)}))
                except BaseException as exc:  # noqa: BLE001 - every failure is a finding
                    errors.append(exc)

    threads = [threading.Thread(target=reader, args=(sub,)) for sub in (ALICE, CAROL, FRANK)]
    for t in threads:
        t.start()
    try:
        for _ in range(3):
            secured.dbt_run(AS_OF, full_refresh=True)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[:3]
    assert len(seen) > 30, "the readers ran side by side with the refreshes"
    for sub, projects in seen:
        assert projects <= VISIBLE[sub], (sub, projects)
    assert catalog(secured) == first


def test_incremental_runs_do_not_recreate_policies(secured: Project) -> None:
    def policy_oids() -> list[tuple]:
        return secured.conn.execute(
            "select polname, oid from pg_policy where polrelid = %s::regclass order by 1",
            (f'"{secured.schema}".analytics_events_hourly_agg',)).fetchall()

    before = policy_oids()
    assert len(before) == 2
    secured.dbt_run(AS_OF)
    secured.dbt_run(ts("2026-03-02 13:05"))
    assert policy_oids() == before  # no DROP POLICY, so no ACCESS EXCLUSIVE lock per refresh


def test_plan_evaluates_uid_once_and_uses_the_project_hour_index(secured: Project) -> None:
    s = sql.Identifier(secured.schema)
    # enough rows that an index is worth using: 200 projects x 24 hours x 2 types x 8 labels
    secured.conn.execute(sql.SQL("""
        insert into {}.analytics_events_hourly_agg (project_id, event_type, event_label,
            hour_bucket, event_count, unique_visitors, unique_sessions, created_at, updated_at)
        select 'bulk_' || p, t, 'l' || l, timestamptz '2026-02-01' + make_interval(hours => h),
            1, 1, 1, now(), now()
        from generate_series(1, 200) as p, generate_series(0, 23) as h,
            unnest(array['impression', 'interaction']) as t, generate_series(1, 8) as l
    """).format(s))
    secured.conn.execute(sql.SQL("analyze {}.analytics_events_hourly_agg").format(s))
    query = sql.SQL("""
        explain select hour_bucket, sum(event_count) as total_events
        from {}.analytics_events_hourly_agg
        where project_id = 'proj_a' and hour_bucket >= timestamptz '2026-03-01 00:00+00'
        group by hour_bucket order by hour_bucket
    """).format(s)
    plan = "\n".join(r[0] for r in as_identity(secured.conn, "authenticated", ALICE, query))
    assert "idx_events_hourly_project_hour" in plan, plan
    assert "InitPlan" in plan, plan
    # the uid is computed in InitPlans (once per statement), never per row in a filter
    assert "auth.uid()" not in plan.split("InitPlan")[0], plan
