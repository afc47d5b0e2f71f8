"""Deployments as operators make them: two in one database with long alike schema names and
other app tables, quotes in every var that names something, exact privileges under Supabase's
legacy default privileges, no stand-ins unless asked, a --select of part of the project, dbt
build with late changes on."""

from __future__ import annotations

import datetime as dt
import random
import secrets

import psycopg
import pytest
from analytics_db import connect, create_raw_table, dbt
from conftest import Project, ts
from hostile_rows import event, history
from oracle import truth
from psycopg import sql
from security import ALICE, APP_TABLES, as_identity, load_identities
from test_rollups import check_all, make_events

HOUR = dt.timedelta(hours=1)


# --- 8: deployments in one database -----------------------------------------------------------
def test_two_deployments_with_long_alike_names_and_other_app_tables(conn: psycopg.Connection
                                                                    ) -> None:
    """Two deployments in one database whose schema names agree on their first 50 characters, each
    with its own app tables: no shared object, and each user sees exactly their own projects in
    each."""
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
        # each: two lookups, an open-hours function, and the set functions: three aggregates
        # (key_union, key_count, band_union) and four final or helper functions by name (the
        # band finals, ids_band and set_ids; the sorted-id aggregates have no final in SQL)
        assert functions == 2 * 10
    finally:
        for schema, app in zip(schemas, apps, strict=True):
            conn.execute(sql.SQL("drop schema if exists {}, {} cascade").format(
                sql.Identifier(schema), sql.Identifier(app)))
        conn.execute(sql.SQL("drop schema if exists {} cascade").format(
            sql.Identifier(shared_private)))


# --- 9: quoting and privileges ----------------------------------------------------------------
def test_a_single_quote_in_every_var_that_names_or_counts_something(project: Project) -> None:
    """A single quote in app_schema and in an engagement event type: quoted as identifiers and
    literals everywhere, the run and the policies work."""
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
    """Supabase's legacy default privileges (ALL on every new table, sequence and function to the
    API roles): after a build, a --full-refresh and with late changes on, every object has
    exactly the project's grants."""
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
                "analytics_events_hourly_slices", "analytics_events_project_hourly_sets",
                "analytics_events_project_daily_sets", "analytics_events_daily_sets",
                "analytics_events_daily_type_sets", "analytics_events_weekly_visitor_sets",
                "analytics_events_daily_visitor_bands", "analytics_events_hourly_live",
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
def test_a_partial_select_on_a_fresh_database_refreshes_what_exists(project: Project) -> None:
    """`dbt run --select +analytics_events_hourly_agg` on a fresh schema: the refresh function
    covers exactly the two models that exist, and the hourly table equals the oracle."""
    history(project, days=1)
    out = project.dbt_run(ts("2026-03-01 12:05"), select="+analytics_events_hourly_agg")
    assert "Completed successfully" in out
    result = project.refresh(ts("2026-03-01 13:05"))
    assert set(result) == {"as_of", "analytics_events_hourly_slices", "analytics_events_hourly_agg"}
    assert {r[:4]: r[4:] for r in project.table_rows()} == truth(
        project.raw_rows(), ts("2026-03-01 13:05"), "hour")


def test_dbt_build_passes_with_late_change_tracking_on(project: Project) -> None:
    """`dbt build` (models, hooks and every data test) with track_late_changes on passes."""
    history(project, days=1)
    out = dbt(["build", "--exclude", "resource_type:seed"], project.schema,
              {"as_of": "2026-03-01T12:05:00Z", "track_late_changes": True,
               "app_schema": project.schema, "policy_schema": f"{project.schema}_private"},
              check=False)
    assert out.returncode == 0, out.stdout[-3000:]


def test_a_target_schema_with_a_percent_sign_and_a_space(conn: psycopg.Connection) -> None:
    """A target schema named `t_50%off <hex> Mixed`: every statement that builds SQL with
    format() (grants, policies, the raw-index message, the TRUNCATE marks) takes the name as an
    argument, never inside its format string (a `%` there once stopped the first hook). Built
    with late changes on, a reader rebuilt from pruned slices, a TRUNCATE followed, tracking
    switched off: exact and empty as the oracle says."""
    schema = f"t_50%off {secrets.token_hex(3)} Mixed"
    create_raw_table(conn, schema)
    project = Project(conn, schema)
    try:
        # (psycopg reads a % in a composed query as a placeholder once parameters are given:
        # the rows come from the server's generate_series, without parameters)
        project.execute(
            "insert into {schema}.analytics_events (project_id, event_type, event_label, "
            "visitor_id, session_id, created_at) select 'p' || (i % 2), 'click', "
            "(array['hero', null, ' '])[i % 3 + 1], 'v' || (i % 7), 's' || (i / 5), "
            "timestamptz '2026-03-01 00:10Z' + i * interval '47 minutes' "
            "from generate_series(0, 80) as i")
        on = {"track_late_changes": True}
        project.dbt_run(ts("2026-03-02 12:05"), **on)
        project.dbt_run(ts("2026-03-03 12:05"), **on)  # prunes the slices
        project.dbt_run(ts("2026-03-03 12:05"), select="analytics_events_daily_sets",
                        full_refresh=True, **on)
        check_all(project, ts("2026-03-03 12:05"), "UTC")
        project.execute("truncate {schema}.analytics_events")
        project.refresh(ts("2026-03-03 13:05"))
        assert project.table_rows() == []
        project.dbt_run(ts("2026-03-03 14:05"))  # off: the triggers go
        assert conn.execute("select count(*) from pg_trigger where tgrelid = %s::regclass and "
                            "not tgisinternal", (sql.Identifier(schema, "analytics_events")
                                                 .as_string(conn),)).fetchone()[0] == 0
    finally:
        conn.execute(sql.SQL("drop schema if exists {}, {} cascade").format(
            sql.Identifier(schema), sql.Identifier(f"{schema}_private")))


# --- a table an older version named otherwise -----------------------------------------------
def test_a_deployment_with_the_slices_old_name_keeps_its_rows(project: Project) -> None:
    """An older version named the slices analytics_events_hourly_sets. The next run renames that
    table (the same table: its kept days, kept_from), its grain constraint and its state and
    pending rows (a late change the older version had claimed) instead of reading
    backfill_days of raw events into a new table and leaving the old one behind; every table
    is exact after it, and the refresh function the run re-creates reads the new name."""
    rng = random.Random(5)
    as_of = ts("2026-03-05 09:05")
    project.insert(make_events(rng, ts("2026-03-01 00:00"), as_of))
    variables = {"track_late_changes": True}
    project.dbt_run(as_of - 2 * HOUR, **variables)
    project.dbt_run(as_of - HOUR, **variables)  # prunes the slices to the days that can change
    old, new = "analytics_events_hourly_sets", "analytics_events_hourly_slices"
    state = "select relation_oid, kept_from from {}.analytics_refresh_state where model = %s"

    def one(query: str, *params) -> tuple | None:
        return project.conn.execute(sql.SQL(query).format(project.ident), params).fetchone()

    # what the older version left: the old names
    for statement in ("alter table {schema}.{new} rename to {old}",
                      "alter table {schema}.{old} rename constraint {new}_grain_key "
                      "to {old}_grain_key"):
        project.execute(statement.replace("{new}", new).replace("{old}", old))
    project.execute("update {schema}.analytics_refresh_state set model = %s where model = %s",
                    (old, new))
    kept = one(state, old)
    assert kept is not None and kept[1] is not None  # pruned: kept_from is set
    # a late event three days back, whose hour the older version's run had claimed for the
    # slices
    late = ts("2026-03-02 07:20")
    project.insert([{"project_id": "p1", "visitor_id": "late", "session_id": "late-s",
                     "event_type": "impression", "event_label": "hero", "created_at": late}])
    project.execute("insert into {schema}.analytics_pending_hours (target, hour_bucket) "
                    "values (%s, %s)", (old, late.replace(minute=0)))
    project.dbt_run(as_of, **variables)
    assert one("select to_regclass(%s)", f"{project.schema}.{old}") == (None,)
    assert one(state, new) == kept
    assert one(state, old) is None
    assert one("select count(*) from {}.analytics_pending_hours where target = %s", old) == (0,)
    assert one("select count(*) from pg_constraint where conname = %s "
               "and conrelid = to_regclass(%s)", f"{new}_grain_key",
               f"{project.schema}.{new}") == (1,)
    check_all(project, as_of, "UTC")
    result = project.refresh(as_of + HOUR)
    assert new in result
    check_all(project, as_of + HOUR, "UTC")


SETTLED_COLUMNS = ("settled_through", "settled_event_count", "recent_visitor_keys",
                   "recent_session_keys")


def test_label_day_sets_of_an_older_release_get_the_settled_columns(project: Project) -> None:
    """An older release's label-day sets have no settled columns, and its slices no
    event_fingerprint. The next dbt run adds them (analytics_ensure_settled_columns), reads the
    open day whole once and settles it, and slices its window's hours again; so does a dbt run
    that selects another model only, before the refresh function (which reads them) runs.
    Every table is exact after each, and so are the hourly runs after them."""
    rng = random.Random(11)
    as_of = ts("2026-03-05 09:05")
    project.insert(make_events(rng, ts("2026-03-03 00:00"), as_of + 2 * HOUR))
    def drop(names: tuple[str, ...]) -> str:
        return ("alter table {schema}.analytics_events_daily_sets "
                + ", ".join(f"drop column {c}" for c in names))

    drop_fingerprint = "alter table {schema}.analytics_events_hourly_slices drop event_fingerprint"

    def fingerprinted() -> bool:
        return project.conn.execute(
            "select count(*) = 1 from pg_attribute where attrelid = to_regclass(%s) "
            "and attname = 'event_fingerprint' and not attisdropped",
            (f"{project.schema}.analytics_events_hourly_slices",)).fetchone()[0]

    def columns() -> list[str]:
        return [r[0] for r in project.conn.execute(
            "select attname from pg_attribute where attrelid = to_regclass(%s) "
            "and attname = any(%s) and not attisdropped order by attnum",
            (f"{project.schema}.analytics_events_daily_sets", list(SETTLED_COLUMNS)))]

    def settled_days() -> list[tuple]:
        return project.conn.execute(sql.SQL(
            "select day_bucket, min(settled_through), max(settled_through), "
            "count(*) - count(settled_through) from {}.analytics_events_daily_sets "
            "where settled_through is not null or day_bucket >= %s group by day_bucket "
            "order by 1").format(project.ident), (ts("2026-03-05 00:00"),)).fetchall()

    def compressible_sets() -> list[tuple]:
        # member sets (every <...>_keys column) stored with compression (analytics_set_storage)
        return project.conn.execute(
            "select c.relname, a.attname from pg_attribute as a join pg_class as c "
            "on c.oid = a.attrelid where c.relnamespace = to_regnamespace(%s) "
            "and c.relkind = 'r' and a.attname like '%%\\_keys' and not a.attisdropped "
            "and a.attstorage <> 'e' order by 1, 2", (project.ident.as_string(project.conn),)
        ).fetchall()

    def half_full() -> list[str]:
        # tables whose rows are updated in place, on their own pages (analytics_set_storage)
        return [r[0] for r in project.conn.execute(
            "select relname from pg_class where relnamespace = to_regnamespace(%s) "
            "and relkind = 'r' and 'fillfactor=50' = any(reloptions) order by 1",
            (project.ident.as_string(project.conn),)).fetchall()]

    project.dbt_run(as_of - HOUR)
    assert project.conn.execute(
        "select count(*) from pg_attribute where attrelid = to_regclass(%s) "
        "and attname like '%%\\_keys' and attstorage = 'e'",
        (f"{project.schema}.analytics_events_daily_type_sets",)).fetchone()[0] == 2
    assert compressible_sets() == []
    # the day and week tables of open buckets, which every hourly run rewrites; not the hours,
    # nor the tables of ended days and weeks
    open_buckets = [f"analytics_events_{name}" for name in (
        "daily_agg", "daily_sets", "daily_type_agg", "daily_type_sets", "weekly_agg",
        "weekly_type_agg")]
    assert half_full() == open_buckets
    project.execute("alter table {schema}.analytics_events_daily_agg reset (fillfactor)")
    # an older release's table: sets stored with compression and no settled columns
    project.execute("alter table {schema}.analytics_events_daily_type_sets "
                    "alter column visitor_keys set storage extended")
    project.execute(drop(SETTLED_COLUMNS))
    project.execute(drop_fingerprint)
    assert columns() == [] and not fingerprinted()
    assert compressible_sets() == [("analytics_events_daily_type_sets", "visitor_keys")]
    project.dbt_run(as_of)
    assert columns() == list(SETTLED_COLUMNS) and fingerprinted()
    assert compressible_sets() == []
    assert half_full() == open_buckets
    settle = as_of.replace(minute=0) - 2 * HOUR
    assert settled_days() == [(ts("2026-03-05 00:00"), settle, settle, 0)]
    check_all(project, as_of, "UTC")
    project.refresh(as_of + HOUR)
    check_all(project, as_of + HOUR, "UTC")
    # some of the columns gone (not the first), then a run of another model alone
    project.execute(drop(SETTLED_COLUMNS[2:]))
    project.execute(drop_fingerprint)
    assert columns() == list(SETTLED_COLUMNS[:2])
    project.dbt_run(as_of + HOUR, select="analytics_events_hourly_agg")
    assert columns() == list(SETTLED_COLUMNS) and fingerprinted()
    project.refresh(as_of + 2 * HOUR)
    assert settled_days() == [(ts("2026-03-05 00:00"), settle + 2 * HOUR, settle + 2 * HOUR, 0)]
    check_all(project, as_of + 2 * HOUR, "UTC")


def test_intarray_installed_in_a_schema_of_its_own(conn: psycopg.Connection) -> None:
    """A database where intarray already lives in another schema, with a name to quote: the
    set aggregates merge with that schema's _int_union (analytics_intarray_schema), nothing is
    installed a second time, and the dbt run and the refresh function are exact against the
    oracle. Its own database: the shared one has intarray in `extensions`."""
    database = f"analytics_intarray_{secrets.token_hex(3)}"
    home = 'int "arrays" Here'
    conn.execute(sql.SQL("create database {}").format(sql.Identifier(database)))
    try:
        with connect(dbname=database) as other:
            other.execute(sql.SQL("create schema {}").format(sql.Identifier(home)))
            other.execute(sql.SQL("create extension intarray schema {}").format(
                sql.Identifier(home)))
            schema = f"t_intarray_{secrets.token_hex(3)}"
            create_raw_table(other, schema)
            project = Project(other, schema)
            project.insert(make_events(random.Random(17), ts("2026-03-02 00:00"),
                                       ts("2026-03-03 14:00")))
            as_of = ts("2026-03-03 12:05")
            project.dbt_run(as_of, env={"PGDATABASE": database})
            check_all(project, as_of, "UTC")
            project.refresh(as_of + HOUR)
            check_all(project, as_of + HOUR, "UTC")
            steps = other.execute(
                "select a.aggtransfn::regproc::text from pg_aggregate as a join pg_proc as p "
                "on p.oid = a.aggfnoid where p.pronamespace = %s::regnamespace "
                "and p.proargtypes[0] = 'integer[]'::regtype order by 1",
                (sql.Identifier(f"{schema}_private").as_string(other),)).fetchall()
            merge = sql.Identifier(home).as_string(other) + "._int_union"
            assert steps == sorted([(merge,), (merge,), ("array_cat",)]), steps
            assert other.execute("select extnamespace::regnamespace::text from pg_extension "
                                 "where extname = 'intarray'").fetchone()[0] == \
                sql.Identifier(home).as_string(other)
    finally:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(
            sql.Identifier(database)))
