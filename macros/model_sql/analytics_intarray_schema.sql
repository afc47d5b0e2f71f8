{% macro analytics_intarray_schema() -%}
    {#- The quoted schema of the intarray extension (PostgreSQL contrib, trusted: the database owner
        may create it, as Supabase's non-superuser `postgres` does; Supabase lists it under
        Database > Extensions), whose C _int_union, sort() and uniq() the sorted-id unions
        (analytics_key_aggregates) call: a union merges a group's sorted sets in C instead of
        sorting a row per id in SQL. Where the database has it, that schema; otherwise it is created
        in `extensions`, Supabase's schema for extensions (created when missing). A concurrent run
        creating it at the same moment is no error. Run at render time by the on-run-start hook that
        needs it; no query at parse time. -#}
    {%- if not execute -%}
        {{ return('"extensions"') }}
    {%- endif -%}
    {%- call statement('analytics_ensure_intarray') -%}
        do $analytics_intarray$
        begin
            if not exists (select from pg_catalog.pg_extension where extname = 'intarray') then
                create schema if not exists extensions;
                create extension intarray schema extensions;
            end if;
        exception when duplicate_object or unique_violation then
            null;
        end
        $analytics_intarray$
    {%- endcall -%}
    {%- set found = run_query(
        "select pg_catalog.quote_ident(n.nspname) from pg_catalog.pg_extension as e"
        ~ " inner join pg_catalog.pg_namespace as n on e.extnamespace = n.oid"
        ~ " where e.extname = 'intarray'") -%}
    {%- if found.rows | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            "analytics: the intarray extension (PostgreSQL contrib) could not be installed: "
            ~ "run 'create extension intarray schema extensions' as the database owner "
            ~ "(Supabase: Database > Extensions > intarray)") }}
    {%- endif -%}
    {{ return(found.rows[0][0]) }}
{%- endmacro %}
