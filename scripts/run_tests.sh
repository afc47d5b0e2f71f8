#!/usr/bin/env bash
# Every test of the project, against the database the PG* variables name (see `make test`).
#   scripts/run_tests.sh [--core] [pytest args]
# --core: the dbt builds on the fixtures and the pytest suite only (`make test-pg17`); without it
# also the pgTAP checks, the benchmark at smoke size, sqlfluff and ruff.
set -euo pipefail
cd "$(dirname "$0")/.."
core=false
if [ "${1:-}" = --core ]; then
    core=true
    shift
fi
export DBT_SCHEMA=ci_fixtures
# The tests' throwaway schemas get the Supabase stand-ins: the app tables in those schemas, and
# roles and auth functions only where missing (a Supabase database has them all already).
export ANALYTICS_SUPABASE_STAND_INS=true
# The fixture raw table is a seed (24 rows, no index): the created_at index check is off.
fixture_vars='{load_fixtures: true, source_schema: ci_fixtures, app_schema: ci_fixtures, as_of: "2026-03-02T00:30:00Z", backfill_days: 2, require_raw_created_at_index: false}'

echo "== PostgreSQL: $(psql -XtAc 'show server_version')"
echo "== dbt on the fixture seeds (schema ci_fixtures)"
# The seeds include the app tables the RLS policies consult, so they load before any hook
# that needs those tables: no stand-ins and no policy functions while seeding.
dbt seed --vars "${fixture_vars%\}}, supabase_stand_ins: false, api_security: false}"
dbt build --full-refresh --exclude "resource_type:seed" --vars "$fixture_vars"
echo "== dbt again, incremental with the same as_of: nothing may change"
dbt build --exclude "resource_type:seed" --vars "$fixture_vars"

if ! $core; then
    echo "== pgTAP (supabase/tests) on the fixture deployment, as alice (seeds/account.csv)"
    PGOPTIONS="-c analytics.schema=ci_fixtures -c analytics.app_schema=ci_fixtures \
-c analytics.user_id=00000000-0000-0000-0000-0000000a11ce" pg_prove supabase/tests/*.test.sql
fi

echo "== pytest"
workers=${PYTEST_WORKERS:-3}
case $workers in
    "" | *[!0-9]*) echo "PYTEST_WORKERS must be a number" >&2; exit 2 ;;
esac
# three workers on CI's two cores (each test has its own schemas, one name per worker in turn;
# the pg_cron tests stay on one worker): a test waits on dbt's Python or on the server in turn,
# and two workers kept 1.5 cores busy (16 min of pytest); PYTEST_WORKERS changes it. --core (the
# other major) leaves out what only reads the project's own files, and runs through the refresh
# function alone a test that runs the same model SQL through dbt and through the function
# (dbt_twin, tests/python/conftest.py)
if $core; then
    pytest -n "$workers" --dist loadgroup -m "not same_on_every_major and not dbt_twin" "$@"
else
    pytest -n "$workers" --dist loadgroup "$@"
fi

if $core; then
    exit 0
fi

echo "== benchmark smoke test (tiny sizes; make bench for the real run)"
python scripts/bench.py --smoke --prefix bench_smoke --out target/bench-smoke

echo "== sqlfluff lint"
sqlfluff lint models tests

echo "== ruff"
ruff check scripts tests
