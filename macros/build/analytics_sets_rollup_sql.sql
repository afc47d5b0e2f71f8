{% macro analytics_sets_rollup_sql(upstream, target, params, incremental, spec, claimed=none) -%}
    {#- A model built from a finer set table (spec.upstream), never from the raw events: one row
        per spec.dimensions and bucket of the run's window (plus the buckets holding claimed
        pending hours), the upstream rows whose buckets nest in it unioned.
        build 'sets': the event count summed, visitors and sessions as the sorted union of the
        upstream sets. build 'counts': the event count summed and the distinct visitors and
        sessions counted over that union (the cardinality of the sets when the upstream has
        this very grain), with created_at / updated_at and, for the hourly table, its id.
        build 'week_counts': the same counts for a week from its (up to seven) daily sets, the
        union never built: each key counts on the first day of the week it appears, found by
        binary search (width_bucket) in the earlier days' sorted sets.
        Distinct counts are exact: a member in two hours, days or labels is one key. -#}
    {%- set up = spec.upstream -%}
    {%- set dims = spec.dimensions -%}
    {%- set bucket = spec.bucket -%}
    {%- set target_bucket = analytics_bucket_sql(spec.grain, 'source_sets.' ~ up.bucket) -%}
    {%- set up_spec = analytics_model_spec(up.model) -%}
    {%- set same_grain = up.bucket == bucket and up_spec.key_columns == spec.key_columns
        and up_spec.nullable_keys == spec.nullable_keys -%}
    {%- set keys = ['visitor', 'session'] -%}
    {#- the hourly table from the slices: an hour that lies in one day of the rollup zone (every
        hour, in a zone whose days start on the hour) is one slice, counted as it is; only the
        hours split between two days (Asia/Kolkata) are grouped and unioned -#}
    {%- set whole_split = spec.build == 'counts' and up_spec.build == 'event_sets'
        and up.bucket == bucket and dims == up_spec.dimensions -%}
    {%- set tz = analytics_time_zone() -%}
    {#- the hourly table's id (generated always as identity): numbered on a first build -#}
    {%- set surrogate_id -%}
        {%- if spec.get('surrogate_id') %}
        {{ 'null::bigint' if incremental else 'row_number() over ()' }} as id,
        {%- endif %}
    {%- endset -%}
    {#- a counted row's id (the hourly table), dimensions, bucket and event count -#}
    {%- set leading_columns -%}
        {{- surrogate_id }}
        {%- for dimension in dims %}
        {{ dimension }},
        {%- endfor %}
        {{ bucket }},
        event_count,
    {%- endset -%}
    {%- set match -%}
        {%- for dimension in dims + [bucket] %}
            {{ 'and ' if not loop.first }}{{ analytics_null_safe_match('source_sets.' ~ dimension,
                'groups.' ~ dimension, dimension in spec.nullable_keys) }}
        {%- endfor %}
    {%- endset -%}
with run_window as (

    {{ analytics_window_sql(target, params, incremental, spec.grain, bucket, spec.get('covers')) }}

),
{%- if claimed %}

extra_buckets as (

    {{ analytics_extra_buckets_sql(claimed, spec.grain, covers=spec.get('covers'), target=target) }}

),
{%- endif %}

source_sets as (

    select
        {%- for dimension in dims %}
        source_sets.{{ dimension }},
        {%- endfor %}
        {{ target_bucket }} as {{ bucket }},
        {%- if spec.build == 'week_counts' %}
        extract(isodow from source_sets.{{ up.bucket }} at time zone '{{ tz }}')::int as day_of_week,
        {%- endif %}
        {%- if whole_split %}
        source_sets.hour_bucket >= source_sets.day_bucket
        and source_sets.hour_bucket + interval '1 hour'
        <= (source_sets.day_bucket at time zone '{{ tz }}' + interval '1 day') at time zone '{{ tz }}'
            as whole_hour,
        {%- endif %}
        source_sets.event_count,
        source_sets.visitor_keys,
        source_sets.session_keys
    from {{ upstream }} as source_sets
    where
        (
            source_sets.{{ up.bucket }} >= (select w.window_start from run_window as w)
            and source_sets.{{ up.bucket }} < (select w.window_end from run_window as w)
            {%- if claimed %}
            or {{ target_bucket }} in (select e.bucket_start from extra_buckets as e)
            {%- endif %}
        )
        {%- if up_spec.grain == 'hour' %}
        -- an older as_of than a previous run's: never the hours after it
        and source_sets.hour_bucket < (select w.window_end from run_window as w)
        {%- endif %}

),
{%- if spec.build == 'week_counts' %}

days as (

    -- the week's daily sets side by side, one column per ISO day of the week; array_cat reads
    -- each set into memory once, so the binary searches below do not fetch it again
    select
        {%- for dimension in dims %}
        {{ dimension }},
        {%- endfor %}
        {{ bucket }},
        sum(event_count)::bigint as event_count
        {%- for kind in keys %}
        {%- for day in range(1, 7) %},
        max(array_cat({{ kind }}_keys, '{}')) filter (where day_of_week = {{ day }}) as {{ kind }}_keys_{{ day }}
        {%- endfor %},
        max({{ kind }}_keys) filter (where day_of_week = 7) as {{ kind }}_keys_7
        {%- endfor %}
    from source_sets
    group by
        {%- for dimension in dims %}
        {{ dimension }},
        {%- endfor %}
        {{ bucket }}

),

final as (

    -- a key counts on its first day: on Monday always, on a later day when no earlier day's
    -- sorted set holds it (sets[width_bucket(key, sets)] is the greatest element <= key)
    select
        {{- leading_columns }}
        {%- for kind in keys %}
        coalesce(cardinality({{ kind }}_keys_1), 0)
        {%- for day in range(2, 8) %}
        + coalesce((
            select count(*)
            from unnest(days.{{ kind }}_keys_{{ day }}) as member_key
            where not coalesce(
                {%- for earlier in range(1, day) %}
                {{ 'or ' if not loop.first }}days.{{ kind }}_keys_{{ earlier }}[width_bucket(member_key, days.{{ kind }}_keys_{{ earlier }})] = member_key
                {%- endfor %},
                false
            )
        ), 0)
        {%- endfor %} as unique_{{ kind }}s,
        {%- endfor %}
        now() as created_at,
        now() as updated_at
    from days

)
{%- elif spec.build == 'counts' and same_grain %}

final as (

    select
        {{- leading_columns }}
        cardinality(visitor_keys)::bigint as unique_visitors,
        cardinality(session_keys)::bigint as unique_sessions,
        now() as created_at,
        now() as updated_at
    from source_sets

)
{%- else %}

groups as (

    -- numbered, so members are de-duplicated on (number, key), not on the text dimensions
    select
        row_number() over () as group_id,
        {%- for dimension in dims %}
        {{ dimension }},
        {%- endfor %}
        {{ bucket }},
        sum(event_count)::bigint as event_count,
        count(*) as source_rows
    from source_sets
    {%- if whole_split %}
    where not whole_hour
    {%- endif %}
    group by
        {%- for dimension in dims %}
        {{ dimension }},
        {%- endfor %}
        {{ bucket }}

),

keyed as (

    select
        groups.group_id,
        groups.source_rows,
        source_sets.visitor_keys,
        source_sets.session_keys
    from source_sets
    inner join groups
        on {{ match }}
    {%- if whole_split %}
    where not source_sets.whole_hour
    {%- endif %}

),
{%- for kind in keys %}

{{ kind }}_sets as (

    -- a bucket made of one upstream row has its set already; the others are unioned
    select
        keyed.group_id,
        {%- if spec.build == 'sets' %}
        keyed.{{ kind }}_keys
        {%- else %}
        cardinality(keyed.{{ kind }}_keys)::bigint as unique_{{ kind }}s
        {%- endif %}
    from keyed
    where keyed.source_rows = 1
    union all
    select
        members.group_id,
        {%- if spec.build == 'sets' %}
        array_agg(members.member_key order by members.member_key) as {{ kind }}_keys
        {%- else %}
        count(*) as unique_{{ kind }}s
        {%- endif %}
    from (
        select distinct
            keyed.group_id,
            member_key
        from keyed
        cross join unnest(keyed.{{ kind }}_keys) as member_key
        where keyed.source_rows > 1
    ) as members
    group by members.group_id

),
{%- endfor %}

final as (

    select
        {{- surrogate_id }}
        {%- for dimension in dims %}
        groups.{{ dimension }},
        {%- endfor %}
        groups.{{ bucket }},
        groups.event_count,
        {%- for kind in keys %}
        {%- if spec.build == 'sets' %}
        coalesce({{ kind }}_sets.{{ kind }}_keys, '{}') as {{ kind }}_keys
        {%- else %}
        coalesce({{ kind }}_sets.unique_{{ kind }}s, 0) as unique_{{ kind }}s
        {%- endif %}{{ ',' if not loop.last or spec.build == 'counts' }}
        {%- endfor %}
        {%- if spec.build == 'counts' %}
        now() as created_at,
        now() as updated_at
        {%- endif %}
    from groups
    {%- for kind in keys %}
    left join {{ kind }}_sets
        on groups.group_id = {{ kind }}_sets.group_id
    {%- endfor %}
    {%- if whole_split %}
    union all
    select
        {%- if spec.get('surrogate_id') %}
        {{ 'null::bigint' if incremental else '(select count(*) from groups) + row_number() over ()' }} as id,
        {%- endif %}
        {%- for dimension in dims %}
        source_sets.{{ dimension }},
        {%- endfor %}
        source_sets.{{ bucket }},
        source_sets.event_count,
        cardinality(source_sets.visitor_keys)::bigint as unique_visitors,
        cardinality(source_sets.session_keys)::bigint as unique_sessions,
        now() as created_at,
        now() as updated_at
    from source_sets
    where source_sets.whole_hour
    {%- endif %}

)
{%- endif %}

select * from final
{%- endmacro %}
