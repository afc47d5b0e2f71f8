{% macro analytics_rename_tables() -%}
    {#- on-run-start, after analytics_ensure_state_table. The maintained tables an older version
        named otherwise, {old name: new name}: when the old table exists and the new one does
        not, the table is renamed with its grain constraint, and its rows in
        analytics_refresh_state and analytics_pending_hours (keyed by model name) follow it, in
        one transaction. An older deployment keeps its rows (the slices' kept days, kept_from)
        instead of reading backfill_days of raw events into a new table and leaving the old one
        behind. dbt's relation cache is told, so the model finds its table. A pg_cron run of
        the refresh function created by the older version, between this hook and the run's
        end (which re-creates the function), stops on the old name and changes nothing. -#}
    {%- set renamed = {'analytics_events_hourly_sets': 'analytics_events_hourly_slices'} -%}
    {%- set state = analytics_relation('analytics_refresh_state') -%}
    {%- set pending = analytics_relation('analytics_pending_hours') -%}
{{ analytics_lock_sql('analytics_events_agg_hooks') }};
    {%- for old, new in renamed.items() %}
    {%- set old_relation = analytics_relation(old) -%}
    {%- set new_relation = analytics_relation(new) -%}
    {%- if execute and adapter.get_relation(target.database, target.schema, old) is not none
        and adapter.get_relation(target.database, target.schema, new) is none -%}
        {%- do adapter.cache_renamed(old_relation, new_relation) -%}
    {%- endif %}
do $rename$
begin
    if to_regclass({{ analytics_sql_literal(old_relation.render()) }}) is null
        or to_regclass({{ analytics_sql_literal(new_relation.render()) }}) is not null then
        return;
    end if;
    alter table {{ old_relation }} rename to {{ analytics_quote(new) }};
    if exists (
        select from pg_constraint
        where conrelid = to_regclass({{ analytics_sql_literal(new_relation.render()) }})
            and conname = {{ analytics_sql_literal(old ~ '_grain_key') }}
    ) then
        execute format('alter table %s rename constraint %I to %I',
            {{ analytics_sql_literal(new_relation.render()) }},
            {{ analytics_sql_literal(old ~ '_grain_key') }},
            {{ analytics_sql_literal(new ~ '_grain_key') }});
    end if;
    update {{ state }} set model = {{ analytics_sql_literal(new) }}
    where model = {{ analytics_sql_literal(old) }};
    if to_regclass({{ analytics_sql_literal(pending.render()) }}) is not null then
        update {{ pending }} set target = {{ analytics_sql_literal(new) }}
        where target = {{ analytics_sql_literal(old) }};
    end if;
end
$rename$;
    {%- endfor %}
{%- endmacro %}
