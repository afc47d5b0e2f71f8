{% macro analytics_prune_slices(target, params, keyword='do') -%}
    {#- After the slices (analytics_events_hourly_sets) of a run are replaced: drop the slices of
        days nothing can change any more, the days before the one holding the lookback's first
        hour (of the latest as_of any run had), and never one a model reading them still needs
        in this run. Their visitors and sessions live on in the project hourly and the daily sets.
        Records the first kept day (kept_from), so a later run that must rebuild an older day
        reads its raw events again (analytics_window_sql). When more than a day goes (the first run
        after a build of many days, a run after an outage), the kept slices are copied aside and the table
        truncated, so the space is returned to the disk instead of left to autovacuum.
        keyword 'do': a DO statement (dbt); 'plpgsql': statements for the refresh function. -#}
    {%- set spec = analytics_model_spec(target.identifier) -%}
    {%- set state = analytics_relation('analytics_refresh_state', target.schema) -%}
    {%- set as_of_hour = "date_trunc('hour', " ~ params.as_of ~ ", 'UTC')" -%}
    {%- set covers = [] -%}
    {%- for name in spec.covers if analytics_relations_exist([analytics_relation(name, target.schema)]) -%}
        {%- set cover = analytics_model_spec(name) -%}
        {%- do covers.append(analytics_window_sql(analytics_relation(name, target.schema), params,
            true, cover.grain, cover.bucket)) -%}
    {%- endfor -%}
    {%- set body -%}
    v_prune_cutoff := least(
        {{ analytics_bucket_sql('day', '
            greatest(' ~ as_of_hour ~ ', coalesce((
                select state.aggregated_through from ' ~ state ~ ' as state
                where state.model = ' ~ analytics_sql_literal(target.identifier) ~ '
                    and state.relation_oid = to_regclass(' ~ analytics_sql_literal(target.render()) ~ ')
            ), ' ~ "'-infinity'" ~ ')) - (' ~ params.lookback_hours ~ ") * interval '1 hour'") }}
        {%- for sql in covers %},
        (select {{ analytics_bucket_sql('day', 'cover_window.window_start') }}
         from ({{ sql | indent(9) }}) as cover_window)
        {%- endfor %}
        {%- set claimed = analytics_claimed_relation(target.identifier) %}
        {%- if claimed %},
        -- late changes: never a day this run or a later one still has to rebuild
        (select {{ analytics_bucket_sql('day', 'min(claimed.hour_bucket)') }} from {{ claimed }} as claimed),
        (select {{ analytics_bucket_sql('day', 'min(pending.hour_bucket)') }}
         from {{ analytics_relation('analytics_pending_hours', target.schema) }} as pending)
        {%- endif %}
    );
    select min(slices.hour_bucket) into v_prune_oldest from {{ target }} as slices;
    if v_prune_oldest < v_prune_cutoff - interval '1 day' then
        create temporary table analytics_kept_slices on commit drop as
        select * from {{ target }} as slices where slices.day_bucket >= v_prune_cutoff;
        truncate {{ target }};
        insert into {{ target }} select * from analytics_kept_slices;
        drop table analytics_kept_slices;
    elsif v_prune_oldest < v_prune_cutoff then
        delete from {{ target }} as slices where slices.day_bucket < v_prune_cutoff;
    end if;
    update {{ state }} as state
    set kept_from = greatest(coalesce(state.kept_from, '-infinity'), v_prune_cutoff)
    where
        state.model = {{ analytics_sql_literal(target.identifier) }}
        and state.relation_oid = to_regclass({{ analytics_sql_literal(target.render()) }});
    {%- endset -%}
    {%- if keyword == 'do' -%}
do $prune_slices$
declare
    v_prune_cutoff timestamptz;
    v_prune_oldest timestamptz;
begin
    {{ body }}
end
$prune_slices$
    {%- else -%}
    {{ body }}
    {%- endif -%}
{%- endmacro %}
