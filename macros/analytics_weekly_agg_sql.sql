{% macro analytics_weekly_agg_sql(daily, members, target, params, incremental, claimed=none,
    dimensions=['project_id', 'event_type', 'event_label']) -%}
    {#- One row per `dimensions` (project, event type, label; or project and type) and ISO week
        (from Monday, rollup time zone): event counts summed from the daily rollup of the same
        dimensions, distinct visitors and sessions counted over the week's de-duplicated daily
        members, so a visitor seen on five days (or under two labels) counts once. -#}
with run_window as (

    {{ analytics_window_sql(target, params, incremental, 'week', 'week_bucket') }}

),

weeks as (

    select
        run_window.window_start as bucket_start,
        run_window.window_end as bucket_end
    from run_window
    {%- if claimed %}
    union all
    {{ analytics_extra_buckets_sql(claimed, 'week') }}
    {%- endif %}

),

counts as (

    select
        {%- for dimension in dimensions %}
        daily.{{ dimension }},
        {%- endfor %}
        {{ analytics_bucket_sql('week', 'daily.day_bucket') }} as week_bucket,
        sum(daily.event_count)::bigint as event_count
    from {{ daily }} as daily
    inner join weeks
        on
            daily.day_bucket >= weeks.bucket_start
            and daily.day_bucket < weeks.bucket_end
    group by {% for i in range(dimensions | length + 1) %}{{ i + 1 }}{{ ', ' if not loop.last }}{% endfor %}

),

uniques as (

    select
        {%- for dimension in dimensions %}
        members.{{ dimension }},
        {%- endfor %}
        {{ analytics_bucket_sql('week', 'members.day_bucket') }} as week_bucket,
        count(distinct members.member_id)
            filter (where members.member_kind = 'visitor') as unique_visitors,
        count(distinct members.member_id)
            filter (where members.member_kind = 'session') as unique_sessions
    from {{ members }} as members
    inner join weeks
        on
            members.day_bucket >= weeks.bucket_start
            and members.day_bucket < weeks.bucket_end
    group by {% for i in range(dimensions | length + 1) %}{{ i + 1 }}{{ ', ' if not loop.last }}{% endfor %}

),

final as (

    select
        {%- for dimension in dimensions %}
        counts.{{ dimension }},
        {%- endfor %}
        counts.week_bucket,
        counts.event_count,
        coalesce(uniques.unique_visitors, 0) as unique_visitors,
        coalesce(uniques.unique_sessions, 0) as unique_sessions,
        now() as created_at,
        now() as updated_at
    from counts
    left join uniques
        on
            counts.week_bucket = uniques.week_bucket
            {%- for dimension in dimensions %}
            {%- if dimension == 'event_label' %}
            {#- NULL-safe and hashable: IS NOT DISTINCT FROM would leave the join one key #}
            and (counts.event_label is null) = (uniques.event_label is null)
            and coalesce(counts.event_label, '') = coalesce(uniques.event_label, '')
            {%- else %}
            and counts.{{ dimension }} = uniques.{{ dimension }}
            {%- endif %}
            {%- endfor %}

)

select * from final
{%- endmacro %}
