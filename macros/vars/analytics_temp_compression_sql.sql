{% macro analytics_temp_compression_sql() -%}
    {#- A statement (a SELECT: `perform` it in PL/pgSQL) that compresses the values the rest of
        the transaction moves out of line with lz4 where the server has it (PostgreSQL 14+
        built with lz4: Debian's is, Supabase's since supabase/postgres#490, January 2023; a
        project provisioned before then keeps pglz), else leaves pglz. What it reaches: the
        temp tables a refresh writes each model into (created AS SELECT, so their columns have
        the default storage: every row over 2 kB, a busy label's day, is compressed) and a first
        build's tables, written before analytics_set_storage stores their sets uncompressed.
        Sorted ids hardly compress, and pglz tries hard before it gives up: copying the 8,400
        label-day sets of a 1 M-event day into a temp table took 52-68 ms with pglz, 26-27 ms
        with lz4 (24.5 ms uncompressed). Local to the transaction, like work_mem and jit. -#}
    select pg_catalog.set_config('default_toast_compression', 'lz4', true)
    from pg_catalog.pg_settings
    where name = 'default_toast_compression' and 'lz4' = any(enumvals)
{%- endmacro %}
