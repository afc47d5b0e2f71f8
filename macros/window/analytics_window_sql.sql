{% macro analytics_window_sql(run, with_readers=true) -%}
    {#- One row: [window_start, window_end), the span of raw time whose buckets this run rebuilds.
        window_start is a bucket start (an hour in UTC, or a day / ISO week in the rollup time
        zone); window_end is the last completed UTC hour before as_of (analytics_window_end_sql:
        the last bucket start before it when an earlier run already aggregated past as_of), or
        the end of the re-aggregation range's last bucket when that comes first.
        First build / --full-refresh: from the bucket holding as_of - backfill_days.
        Incremental: from the bucket holding the earlier of the lookback start and the first
        moment no run has aggregated yet (the hour after the newest stored hour; for days and
        weeks the newest stored bucket itself, which may be partial), so a run after an outage
        catches up every missed bucket; or exactly the re-aggregation range when one is given.
        closed (a model that keeps closed buckets only, spec closed_buckets): the window ends at
        the start of the bucket holding as_of, and every stored bucket is whole, so catching up
        starts after the newest one; a third column, open_from, is the start of the bucket that
        had not ended at the table's newest refresh (analytics_refresh_state) or at this as_of,
        whichever is later: no row at or after it may stay (an older version of the model
        stored open buckets).
        Bucket arithmetic is done in local time, so DST days are 23 or 25 hours long.
        kept_for (the slices, analytics_events_hourly_slices, which keep only the days the lookback can
        still change): the models that read them; when one of their windows starts before the
        first kept day (an older as_of, a re-aggregation range, a model left behind), the window
        widens to include it, so the raw events of those days are read again (with_readers=false:
        the table's own window alone).
        hour_fingerprints (a model of hours made from the slices: the hourly table, the per-type
        hours, the project hourly sets): an incremental run's window starts at the first hour of
        it whose slices' event count or fingerprint sum differs from what
        analytics_hour_fingerprints recorded when this table's rows of that hour were made (no
        record, a record of another table, or a sum of slices without fingerprints: differs),
        or whose rows no longer add up to the recorded event count (rows deleted or a table
        emptied by hand); when none differs, the window is empty. So an hour the slices kept
        as stored is not made again. Never on a re-aggregation range, nor for
        with_readers=false (the slices' and the pruning's view of a reader's window keeps it
        whole).
        `run`: analytics_run_context() of the model, or any record with its spec, target (the
        table), params (the run's parameters as SQL) and incremental. -#}
    {%- set target = run.target -%}
    {%- set params = run.params -%}
    {%- set incremental = run.incremental -%}
    {%- set grain = run.spec.grain -%}
    {%- set bucket = run.spec.bucket -%}
    {%- set closed = run.spec.closed_buckets -%}
    {%- set kept_for = run.spec.get('kept_for') if with_readers else none -%}
    {%- set reader_windows = [] -%}
    {#- (a unit test's `this` is a fixture, not a relation: no readers) #}
    {%- for name in (kept_for or []) if incremental and target is not string
        and analytics_relations_exist([analytics_relation(name, target.schema)]) -%}
        {%- do reader_windows.append(analytics_window_sql({'spec': analytics_model_spec(name),
            'target': analytics_relation(name, target.schema), 'params': params,
            'incremental': true}, with_readers=false)) -%}
    {%- endfor -%}
    {%- if with_readers and incremental and run.spec.get('hour_fingerprints')
        and target is not string
        and not (model is defined and model.resource_type == 'unit_test') -%}
    {%- set slices = analytics_relation(run.spec.upstream.model, target.schema) -%}
    {%- set fingerprints = analytics_relation('analytics_hour_fingerprints', target.schema) -%}
    -- from the first hour whose slices changed since this table's rows of it were made
    select
        case
            when {{ params.reaggregate_from }} is null then coalesce((
                select min(coalesce(
                    sliced.hour_bucket, recorded.hour_bucket, table_rows.hour_bucket
                ))
                from (
                    {{ analytics_slice_hours_sql(slices, 'slices.hour_bucket >= own.window_start '
                        ~ 'and slices.hour_bucket < own.window_end') | indent(20) }}
                ) as sliced
                full join (
                    select
                        recorded.hour_bucket,
                        recorded.event_count,
                        recorded.event_fingerprint
                    from {{ fingerprints }} as recorded
                    where
                        recorded.model = {{ analytics_sql_literal(run.spec.name) }}
                        and recorded.relation_oid
                        = to_regclass({{ analytics_sql_literal(target.render()) }})
                        and recorded.hour_bucket >= own.window_start
                        and recorded.hour_bucket < own.window_end
                ) as recorded on sliced.hour_bucket = recorded.hour_bucket
                full join (
                    -- the table's own rows: an hour emptied or cut by hand is made again
                    select
                        table_rows.hour_bucket,
                        sum(table_rows.event_count) as event_count
                    from {{ target }} as table_rows
                    where
                        table_rows.hour_bucket >= own.window_start
                        and table_rows.hour_bucket < own.window_end
                    group by table_rows.hour_bucket
                ) as table_rows
                    on coalesce(sliced.hour_bucket, recorded.hour_bucket) = table_rows.hour_bucket
                where not coalesce(
                    sliced.event_count = recorded.event_count
                    and sliced.event_fingerprint = recorded.event_fingerprint
                    and table_rows.event_count = recorded.event_count,
                    false
                )
            ), own.window_end)
            else own.window_start
        end as window_start,
        own.window_end
    from (
        {{ analytics_window_sql(run, with_readers=false) | indent(8) }}
    ) as own
    {%- elif reader_windows -%}
    {%- set needed -%}
        from (
            {%- for sql in reader_windows %}
            ({{ sql | indent(12) }})
            {{ 'union all' if not loop.last }}
            {%- endfor %}
        ) as reader_window
        where reader_window.window_start < {{ analytics_kept_from_sql(target) }}
    {%- endset %}
    -- whole UTC hours: a day in a zone such as Asia/Kolkata starts and ends at :30
    select
        date_trunc('hour', least(
            own.window_start, (select min(reader_window.window_start) {{ needed }})
        ), 'UTC') as window_start,
        date_trunc('hour', greatest(
            own.window_end, (select max(reader_window.window_end) {{ needed }})
        ) - interval '1 microsecond', 'UTC') + interval '1 hour' as window_end
    from (
        {{ analytics_window_sql(run, with_readers=false) | indent(8) }}
    ) as own
    {%- else -%}
    {%- set unit = analytics_grain(grain).unit -%}
    {%- set tz = analytics_grain(grain).tz -%}
    {%- set step = "interval '1 " ~ unit ~ "'" -%}
    {%- set as_of_hour = "date_trunc('hour', " ~ params.as_of ~ ", 'UTC')" -%}
    {%- set reaggregate_end = "(date_trunc('hour', " ~ params.reaggregate_to
        ~ " - interval '1 microsecond', 'UTC') + interval '1 hour')" -%}
    select
        {%- if incremental %}
        date_trunc(
            '{{ unit }}',
            coalesce(
                {{ params.reaggregate_from }},
                least(
                    {{ as_of_hour }} - ({{ params.lookback_hours }}) * interval '1 hour',
                    coalesce(
                        {%- if closed and grain != 'hour' %}
                        (
                            (select max(stored_rows.{{ bucket }}) from {{ target }} as stored_rows)
                            at time zone '{{ tz }}' + {{ step }}
                        ) at time zone '{{ tz }}',
                        {%- else %}
                        (select max(stored_rows.{{ bucket }}) from {{ target }} as stored_rows)
                        {%- if grain == 'hour' %} + interval '1 hour'{% endif %},
                        {%- endif %}
                        {{ as_of_hour }} - ({{ params.backfill_hours }}) * interval '1 hour'
                    )
                )
            ),
            '{{ tz }}'
        ) as window_start,
        least(
            {{ analytics_window_end_sql(target, params.as_of, grain, closed) | indent(12) }},
            (
                date_trunc('{{ unit }}', {{ reaggregate_end }} - interval '1 microsecond', '{{ tz }}')
                at time zone '{{ tz }}' + {{ step }}
            ) at time zone '{{ tz }}'
        ) as window_end
        {%- if closed %},
        date_trunc(
            '{{ unit }}',
            greatest({{ as_of_hour }}, coalesce((
                select state.aggregated_through
                from {{ analytics_relation('analytics_refresh_state', target.schema) }} as state
                where state.model = {{ analytics_sql_literal(target.identifier) }}
            ), '-infinity')),
            '{{ tz }}'
        ) as open_from
        {%- endif %}
        {%- else %}
        {%- set bounds = analytics_full_window_bounds(params, grain, closed) %}
        {{ bounds.start }} as window_start,
        {{ bounds.end }} as window_end
        {%- endif %}
    {%- endif %}
{%- endmacro %}
