{% macro analytics_weekly_agg_sql(daily, members, target, params, incremental, claimed=none) -%}
    {#- One row per project, event type, label and ISO week (from Monday, rollup time zone):
        event counts summed from the daily rollup, distinct visitors and sessions counted over the
        week's de-duplicated daily members, so a visitor seen on five days counts once. -#}
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
        daily.project_id,
        daily.event_type,
        daily.event_label,
        {{ analytics_bucket_sql('week', 'daily.day_bucket') }} as week_bucket,
        sum(daily.event_count)::bigint as event_count
    from {{ daily }} as daily
    inner join weeks
        on
            daily.day_bucket >= weeks.bucket_start
            and daily.day_bucket < weeks.bucket_end
    group by 1, 2, 3, 4

),

uniques as (

    select
        members.project_id,
        members.event_type,
        members.event_label,
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
    group by 1, 2, 3, 4

),

final as (

    select
        counts.project_id,
        counts.event_type,
        counts.event_label,
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
            and counts.project_id = uniques.project_id
            and counts.event_type = uniques.event_type
            and counts.event_label is not distinct from uniques.event_label

)

select * from final
{%- endmacro %}
