{% macro analytics_check_raw_index() -%}
    {#- on-run-start: an incremental window is only cheap if analytics_events has an index whose
        first column is created_at; without it every hourly run reads the whole history. Stops
        the run with the exact statement to run (CONCURRENTLY, so the app keeps writing), unless
        var require_raw_created_at_index is false. -#}
    {%- if not var('require_raw_created_at_index') or flags.WHICH not in ('run', 'build') -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set raw = source('app', 'analytics_events') -%}
do $check$
begin
    if to_regclass({{ analytics_sql_literal(raw) }}) is null then
        raise exception 'the source table % does not exist (var source_schema?)', {{ analytics_sql_literal(raw) }};
    end if;
    if not exists (
        select from pg_index as ix
        inner join pg_attribute as att
            on att.attrelid = ix.indrelid and att.attnum = ix.indkey[0]
        where ix.indrelid = {{ analytics_sql_literal(raw) }}::regclass and att.attname = 'created_at'
            and ix.indisvalid and ix.indpred is null
    ) then
        raise exception 'analytics_events has no index starting with created_at, so every run '
            'would read the whole table. Create it once (it does not block writes): '
            'create index concurrently analytics_events_created_at_idx on {{ raw }} (created_at); '
            '-- or set var require_raw_created_at_index: false to run without it';
    end if;
end
$check$
{%- endmacro %}
