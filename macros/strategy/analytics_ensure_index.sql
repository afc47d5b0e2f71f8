{% macro analytics_ensure_index(name, definition, constraint=false, relation=none) -%}
    {#- Post-hook: create an index (or a table constraint) with a stable name if it is missing.
        `definition` is what follows the name: for an index `(cols) [where ...]` with an optional
        leading `unique`, for a constraint e.g. `unique nulls not distinct (...)`.
        A --full-refresh swaps in a new table while the old one, renamed __dbt_backup, still
        holds the name until it is dropped after commit; the old index is renamed out of the way
        so the new table gets the stable name in the same transaction. Idempotent. -#}
    {%- set rel = relation or this -%}
    {%- if name | length > 63 -%}
        {{ exceptions.raise_compiler_error("index name longer than 63 characters: " ~ name) }}
    {%- endif -%}
    do $analytics$
    declare
        holder regclass;
    begin
        select ix.indrelid::regclass into holder
        from pg_class as c
        inner join pg_namespace as n on n.oid = c.relnamespace
        inner join pg_index as ix on ix.indexrelid = c.oid
        where n.nspname = {{ analytics_sql_literal(rel.schema) }} and c.relname = {{ analytics_sql_literal(name) }};

        if holder is not null and holder <> {{ analytics_sql_literal(rel.render()) }}::regclass then
            execute format(
                'alter index %I.%I rename to %I', {{ analytics_sql_literal(rel.schema) }}, {{ analytics_sql_literal(name) }},
                left({{ analytics_sql_literal(name) }}, 48) || '_old_' || substr(md5(random()::text), 1, 8)
            );
            holder := null;
        end if;

        if holder is null then
            {%- if constraint %}
            alter table {{ rel.render() }} add constraint {{ adapter.quote(name) }} {{ definition }};
            {%- else %}
            {%- set is_unique = definition.strip().lower().startswith('unique') %}
            create {{ 'unique ' if is_unique }}index {{ adapter.quote(name) }}
            on {{ rel.render() }} {{ definition.strip()[6:] if is_unique else definition }};
            {%- endif %}
        end if;
    end
    $analytics$
{%- endmacro %}
