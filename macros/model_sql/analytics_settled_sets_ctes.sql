{% macro analytics_settled_sets_ctes(run, upstream) -%}
    {#- The CTEs of a `settled` model (analytics_model_spec: a day's union of the hourly slices,
        `upstream`), after its analytics_window_ctes, ending with `settled_sets` (its rows) and a
        comma. A row keeps, beside the day's union, what makes its settled part: settled_through
        (an hour no later run's lookback reaches back to), the events before it
        (settled_event_count) and the members only the hours from it on hold
        (recent_<member>_keys, a few hours' new members); the settled part, the union of the
        day's hours before settled_through, is its sets less those. An incremental run then
        reads, per day of its window, the stored rows and only the slices from settled_through
        on, and merges sorted sets in C (intarray's _int_union and intset_subtract, linear),
        instead of re-reading and re-sorting every hour of the day so far. A day reads all its
        slices again when its rows do not share one settled_through at or before this run's (an
        older as_of), when a claimed late change reaches it (extra_buckets), on a re-aggregation
        range, and on a first build. A re-aggregation range run for the slices alone (no later
        run of this model with the same range) is not seen: run a range for every model. The
        three are NULL where the next hourly run no longer rebuilds the day. -#}
    {%- set spec = run.spec -%}
    {%- set params = run.params -%}
    {%- set bucket = spec.bucket -%}
    {%- set intarray = analytics_intarray_schema() -%}
    {%- set key_union = analytics_key_function('analytics_key_union') -%}
    {%- set tz = analytics_grain(spec.grain).tz -%}
    {%- set unit = analytics_grain(spec.grain).unit -%}
    {%- set measures = ['event_count'] -%}
    {%- for member in spec.members -%}
        {%- do measures.append(member ~ '_keys') -%}
    {%- endfor -%}
    {#- kept while the next hour's lookback still rebuilds a later hour of the row's day -#}
    {%- set kept -%}
        settle.settle_before + interval '1 hour' < (
            merged_sets.{{ bucket }} at time zone '{{ tz }}' + interval '1 {{ unit }}'
        ) at time zone '{{ tz }}'
    {%- endset -%}
    {%- set match -%}
        {%- for column in spec.dimensions + [bucket] -%}
            {{ ' and ' if not loop.first }}{{ analytics_null_safe_match('hour_sets.' ~ column,
                'settled_parts.' ~ column, column in spec.nullable_keys) }}
        {%- endfor -%}
    {%- endset -%}
settle as (

    -- the hours before settle_before are settled: this run's lookback did not rebuild them and
    -- no later run's will (a later as_of's lookback starts later); never an hour the slices do
    -- not hold yet (a run of this model alone, ahead of them)
    select
        least(
            date_trunc('hour', {{ params.as_of }}, 'UTC')
            - ({{ params.lookback_hours }}) * interval '1 hour',
            (select w.window_end from run_window as w),
            coalesce(
                (select max(slices.hour_bucket) from {{ upstream }} as slices) + interval '1 hour',
                '-infinity'
            )
        ) as settle_before

),

stored_days as (

    -- the window's days whose stored rows share one settled hour at or before this run's
    {%- if run.incremental %}
    select
        stored_row.{{ bucket }},
        min(stored_row.settled_through) as settled_through
    from {{ run.target }} as stored_row
    where
        stored_row.{{ bucket }} >= (select w.window_start from run_window as w)
        and stored_row.{{ bucket }} < (select w.window_end from run_window as w)
        and {{ params.reaggregate_from }} is null
        {%- if run.claimed %}
        and stored_row.{{ bucket }} not in (select e.bucket_start from extra_buckets as e)
        {%- endif %}
    group by stored_row.{{ bucket }}
    having
        -- every row keeps a whole part (a row missing one of its columns is read again)
        count(stored_row.settled_through) = count(*)
        and count(stored_row.settled_event_count) = count(*)
        {%- for member in spec.members %}
        and count(stored_row.recent_{{ member }}_keys) = count(*)
        {%- endfor %}
        and min(stored_row.settled_through) = max(stored_row.settled_through)
        and min(stored_row.settled_through) <= (select s.settle_before from settle as s)
    {%- else %}
    select
        null::timestamptz as {{ bucket }},
        null::timestamptz as settled_through
    where false
    {%- endif %}

),

window_days as (

    -- the day starts of the window (rollup time zone)
    select
        pg_catalog.generate_series(
            w.window_start at time zone '{{ tz }}',
            w.window_end at time zone '{{ tz }}' - interval '1 microsecond',
            interval '1 {{ unit }}'
        ) at time zone '{{ tz }}' as day_start
    from run_window as w

),

scan_start as (

    -- the first hour to read: each day of the window from its settled hour, or from the UTC
    -- hour holding its start when it has none (a day that starts at :30 has a slice of the hour
    -- before); the slices' index starts with the hour
    select coalesce(min(coalesce(stored_days.settled_through, date_trunc('hour', window_days.day_start, 'UTC'))), '-infinity') as scan_from
    from window_days
    left join stored_days on window_days.day_start = stored_days.{{ bucket }}
    {%- if run.claimed %}
    -- every hour when a claimed late change reaches an older day
    where not exists (select from extra_buckets)
    {%- endif %}

),

settled_parts as (

    -- those days' stored rows: the day's sets and the members only the later hours hold (the
    -- settled part is the first less the second); the settled hours' events
    {%- if run.incremental %}
    select
        {%- for dimension in spec.dimensions %}
        stored_row.{{ dimension }},
        {%- endfor %}
        stored_row.{{ bucket }},
        {%- for measure in measures %}
        {%- if measure == 'event_count' %}
        stored_row.settled_event_count as event_count
        {%- else %}
        stored_row.{{ measure }},
        stored_row.recent_{{ measure }}
        {%- endif %}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from {{ run.target }} as stored_row
    inner join stored_days on stored_row.{{ bucket }} = stored_days.{{ bucket }}
    {%- else %}
    select
        {%- for dimension in spec.dimensions %}
        null::text as {{ dimension }},
        {%- endfor %}
        null::timestamptz as {{ bucket }},
        {%- for measure in measures %}
        {%- if measure == 'event_count' %}
        null::bigint as event_count
        {%- else %}
        null::integer [] as {{ measure }},
        null::integer [] as recent_{{ measure }}
        {%- endif %}
        {{- ',' if not loop.last }}
        {%- endfor %}
    where false
    {%- endif %}

),

source_sets as (

    -- the slices of the window's days, from the settled hour on where the day has one
    select
        {%- for dimension in spec.dimensions %}
        source_sets.{{ dimension }},
        {%- endfor %}
        {{ analytics_bucket_sql(spec.grain, 'source_sets.day_bucket') }} as {{ bucket }},
        source_sets.hour_bucket,
        {{ analytics_set_columns('source_sets', spec.members) }}
    from {{ upstream }} as source_sets
    left join stored_days
        on {{ analytics_bucket_sql(spec.grain, 'source_sets.day_bucket') }} = stored_days.{{ bucket }}
    where
        {{ analytics_in_window(run, 'source_sets.day_bucket') }}
        and source_sets.hour_bucket >= (select scan_start.scan_from from scan_start)
        and source_sets.hour_bucket >= coalesce(stored_days.settled_through, '-infinity')

),

hour_sets as (

    -- per row: the union of those slices, and of the ones before settle_before (grouped by a
    -- sort that compares hashes, bigints, before the texts: no strcoll)
    select
        {%- for dimension in spec.dimensions %}
        source_sets.{{ dimension }},
        {%- endfor %}
        source_sets.{{ bucket }},
        {%- for measure in measures %}
        {%- set aggregate = 'sum' if measure == 'event_count' else key_union %}
        {{ aggregate }}(source_sets.{{ measure }}) as {{ measure }},
        {{ aggregate }}(source_sets.{{ measure }}) filter (
            where source_sets.hour_bucket < (select s.settle_before from settle as s)
        ) as settling_{{ measure }}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from source_sets
    group by
        hashtextextended(source_sets.{{ spec.dimensions[0] }}, 0),
        {%- if spec.dimensions | length > 1 %}
        hashtextextended(
            {%- for dimension in spec.dimensions[1:] %}
            {{ "|| '/' || " if not loop.first }}coalesce(source_sets.{{ dimension }}, '')
            {%- endfor %}, 0
        ),
        {%- endif %}
        {%- for dimension in spec.dimensions %}
        source_sets.{{ dimension }},
        {%- endfor %}
        source_sets.{{ bucket }}

),

merged_sets as (

    -- the stored day (F, its recent members R: the settled part S is F less R) merged with the
    -- hours read again (H) and the new settled part's hours among them (H'), in C: the day's
    -- union is S + H, which is F + H when H still holds every member of R (no event of the
    -- recent hours was erased): one merge of the day-sized set instead of two; the operands
    -- of the new recent members (settled_sets) pass through
    select
        {%- for dimension in spec.dimensions %}
        coalesce(hour_sets.{{ dimension }}, settled_parts.{{ dimension }}) as {{ dimension }},
        {%- endfor %}
        coalesce(hour_sets.{{ bucket }}, settled_parts.{{ bucket }}) as {{ bucket }},
        {%- for measure in measures %}
        {%- if measure == 'event_count' %}
        (coalesce(settled_parts.event_count, 0) + coalesce(hour_sets.event_count, 0))::bigint
            as event_count,
        (coalesce(settled_parts.event_count, 0) + coalesce(hour_sets.settling_event_count, 0))::bigint
            as settled_event_count
        {%- else %}
        case
            when settled_parts.{{ measure }} is null then coalesce(hour_sets.{{ measure }}, '{}')
            when cardinality({{ intarray }}.intset_subtract(
                settled_parts.recent_{{ measure }}, coalesce(hour_sets.{{ measure }}, '{}')
            )) = 0
                then {{ intarray }}._int_union(settled_parts.{{ measure }}, coalesce(hour_sets.{{ measure }}, '{}'))
            else {{ intarray }}._int_union(
                {{ intarray }}.intset_subtract(settled_parts.{{ measure }}, settled_parts.recent_{{ measure }}),
                coalesce(hour_sets.{{ measure }}, '{}')
            )
        end as {{ measure }},
        coalesce(settled_parts.{{ measure }}, '{}') as stored_{{ measure }},
        coalesce(settled_parts.recent_{{ measure }}, '{}') as stored_recent_{{ measure }},
        -- the members of the re-read hours after the new settled part (X = H less H')
        {{ intarray }}.intset_subtract(
            coalesce(hour_sets.{{ measure }}, '{}'), coalesce(hour_sets.settling_{{ measure }}, '{}')
        ) as later_{{ measure }}
        {%- endif %}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from hour_sets
    full join settled_parts on {{ match }}

),

settled_sets as (

    -- the row, and while the next hourly run still rebuilds a later hour of its day: the hour
    -- its settled part ends, its events and its members no hour before that holds (the part is
    -- its sets less these: a second copy of the day is never stored). Those members are X less
    -- the old settled part S = F less R: X less F, and X's members in R (one merge of F)
    select
        {%- for dimension in spec.dimensions %}
        merged_sets.{{ dimension }},
        {%- endfor %}
        merged_sets.{{ bucket }},
        {%- for measure in measures %}
        merged_sets.{{ measure }},
        {%- endfor %}
        case when {{ kept }} then settle.settle_before end as settled_through,
        {%- for measure in measures %}
        {%- if measure == 'event_count' %}
        case when {{ kept }} then merged_sets.settled_event_count end as settled_event_count
        {%- else %}
        case when {{ kept }} then
            {{ intarray }}._int_union(
                {{ intarray }}.intset_subtract(merged_sets.later_{{ measure }}, merged_sets.stored_{{ measure }}),
                {{ intarray }}._int_inter(merged_sets.later_{{ measure }}, merged_sets.stored_recent_{{ measure }})
            )
        end as recent_{{ measure }}
        {%- endif %}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from merged_sets
    cross join settle
    -- a row whose every event was in the hours read again and is gone (an erasure) vanishes
    where merged_sets.event_count > 0

),
{%- endmacro %}
