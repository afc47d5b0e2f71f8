{% macro analytics_prune_kept_sets(target, params, in_plpgsql=false) -%}
    {#- After a table that keeps only the buckets that can still change (its spec lists the
        models reading it as `kept_for`) is replaced: drop its days nothing can change any more,
        those before the day holding the lookback's first hour (of the latest as_of any run
        had), and never one a model reading it still needs in this run, nor one a claimed or
        pending late change of the table or of a reader falls in (with a weekly reader: nor any
        day of that week).
        - the slices (analytics_events_hourly_slices) keep a few days: their visitors and sessions
          live on in the project hourly and the daily sets;
        - the daily type sets keep the weeks the weekly type rollup can still rebuild: the
          label-day sets hold the same members, and an older day is unioned from them again.
        Records the first kept day (kept_from), so a later run that must rebuild an older one
        reads it again (analytics_window_sql, analytics_extra_buckets_sql). When more than a day
        goes (the first run after a build of many days, a run after an outage), the kept rows
        are copied aside and the table truncated, so the space is returned to the disk instead
        of left to autovacuum.
        in_plpgsql: statements for the refresh function's body; else a DO statement (dbt). -#}
    {%- set spec = analytics_model_spec(target.identifier) -%}
    {%- set state = analytics_relation('analytics_refresh_state', target.schema) -%}
    {%- set as_of_hour = "date_trunc('hour', " ~ params.as_of ~ ", 'UTC')" -%}
    {%- set reader_windows = [] -%}
    {#- a claimed or pending hour keeps its day, or its week when a reader rebuilds weeks -#}
    {%- set keep = namespace(unit='day') -%}
    {%- for name in spec.kept_for -%}
        {%- if analytics_model_spec(name).grain == 'week' -%}
            {%- set keep.unit = 'week' -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for name in spec.kept_for if analytics_relations_exist([analytics_relation(name, target.schema)]) -%}
        {%- do reader_windows.append(analytics_window_sql({'spec': analytics_model_spec(name),
            'target': analytics_relation(name, target.schema), 'params': params,
            'incremental': true}, with_readers=false)) -%}
    {%- endfor -%}
    {%- set body -%}
    v_prune_cutoff := least(
        {{ analytics_bucket_sql('day', '
            greatest(' ~ as_of_hour ~ ', coalesce((
                select state.aggregated_through from ' ~ state ~ ' as state
                where state.model = ' ~ analytics_sql_literal(target.identifier) ~ '
                    and state.relation_oid = to_regclass(' ~ analytics_sql_literal(target.render()) ~ ')
            ), ' ~ "'-infinity'" ~ ')) - (' ~ params.lookback_hours ~ ") * interval '1 hour'") }}
        {%- for sql in reader_windows %},
        (select {{ analytics_bucket_sql('day', 'reader_window.window_start') }}
         from ({{ sql | indent(9) }}) as reader_window)
        {%- endfor %}
        {%- set claimed = analytics_claimed_relation(target.identifier) %}
        {%- if claimed %},
        -- late changes: never a day this run or a later one still has to rebuild
        (select {{ analytics_bucket_sql(keep.unit, 'min(claimed.hour_bucket)') }} from {{ claimed }} as claimed),
        (select {{ analytics_bucket_sql(keep.unit, 'min(pending.hour_bucket)') }}
         from {{ analytics_relation('analytics_pending_hours', target.schema) }} as pending
         -- this table's and its readers' marks only: another model's (a closed week's marks
         -- wait there until the week ends) never reads these rows
         where pending.target in ({{ analytics_sql_literal(target.identifier) }}
            {%- for name in spec.kept_for %}, {{ analytics_sql_literal(name) }}{% endfor %}))
        {%- endif %}
    );
    select min(kept_rows.{{ spec.bucket }}) into v_prune_oldest from {{ target }} as kept_rows;
    if v_prune_oldest < v_prune_cutoff - interval '1 day' then
        create temporary table analytics_kept_rows on commit drop as
        select * from {{ target }} as kept_rows where kept_rows.day_bucket >= v_prune_cutoff;
        truncate {{ target }};
        insert into {{ target }} select * from analytics_kept_rows;
        drop table analytics_kept_rows;
    elsif v_prune_oldest < v_prune_cutoff then
        delete from {{ target }} as kept_rows where kept_rows.day_bucket < v_prune_cutoff;
    end if;
    update {{ state }} as state
    set kept_from = greatest(coalesce(state.kept_from, '-infinity'), v_prune_cutoff)
    where
        state.model = {{ analytics_sql_literal(target.identifier) }}
        and state.relation_oid = to_regclass({{ analytics_sql_literal(target.render()) }});
    {%- endset -%}
    {%- if not in_plpgsql -%}
do $prune_kept_sets$
declare
    v_prune_cutoff timestamptz;
    v_prune_oldest timestamptz;
begin
    {{ body }}
end
$prune_kept_sets$
    {%- else -%}
    {{ body }}
    {%- endif -%}
{%- endmacro %}
