{% macro analytics_ensure_identity(column='id') -%}
    {#- Post-hook: turn the model's surrogate `id` into GENERATED ALWAYS AS IDENTITY with a
        primary key, continuing after the ids the first build numbered, its sequence named
        <table>_<column>_seq. A --full-refresh builds the new table while the old one (renamed
        __dbt_backup, dropped after commit) still owns that name: the old sequence is renamed
        out of the way, so nothing accumulates across rebuilds. Idempotent. -#}
    {%- set rel = analytics_sql_literal(this.render()) -%}
    {%- set wanted = (this.identifier ~ '_' ~ column ~ '_seq')[:63] -%}
    do $analytics$
    declare
        seq regclass;
        holder regclass;
    begin
        if not exists (
            select from pg_attribute
            where attrelid = {{ rel }}::regclass and attname = {{ analytics_sql_literal(column) }}
                and attidentity = 'a'
        ) then
            alter table {{ this.render() }} alter column {{ analytics_quote(column) }} set not null;
            alter table {{ this.render() }} alter column {{ analytics_quote(column) }}
                add generated always as identity;
            perform setval(
                pg_get_serial_sequence({{ rel }}, {{ analytics_sql_literal(column) }}),
                coalesce((select max({{ analytics_quote(column) }}) from {{ this.render() }}), 0) + 1,
                false
            );
        end if;
        seq := pg_get_serial_sequence({{ rel }}, {{ analytics_sql_literal(column) }})::regclass;
        if (select relname from pg_class where oid = seq) <> {{ analytics_sql_literal(wanted) }} then
            holder := to_regclass(format('%I.%I', {{ analytics_sql_literal(this.schema) }},
                {{ analytics_sql_literal(wanted) }}));
            if holder is not null then
                execute format('alter sequence %s rename to %I', holder,
                    left({{ analytics_sql_literal(wanted) }}, 48) || '_old_'
                    || substr(md5(random()::text), 1, 8));
            end if;
            execute format('alter sequence %s rename to %I', seq, {{ analytics_sql_literal(wanted) }});
        end if;
    end
    $analytics$;
    {{ analytics_owned_sequence_grants(this) }};
    {{ analytics_ensure_index(this.identifier ~ '_pkey', 'primary key (' ~ column ~ ')', constraint=true) }}
{%- endmacro %}
