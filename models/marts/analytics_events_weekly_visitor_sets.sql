{%- set analytics = {
    'grain': 'week',
    'unique': ['week_bucket', 'project_id', 'event_type'] + analytics_dimensions('name'),
    'nullable_keys': analytics_dimensions('name'),
    'build': 'sets',
    'members': ['visitor'],
    'closed_buckets': true,
} -%}
{{
    config(
        meta={'analytics': analytics},
        post_hook=[
            "{{ analytics_ensure_index('idx_events_weekly_visitor_sets_project_type_week',
                '(project_id, event_type, week_bucket)') }}",
        ],
    )
}}

{#- One row per project, event type, label and ISO week (rollup time zone) that has ended: the
    union (an OR, no sort) of the week's daily visitor bands, a band itself. Label performance
    reads a range's whole weeks here (a visitor who comes back on several days is one member,
    not one per day) and its other days from the daily visitor bands and, for days that have
    not ended, the daily sets. Visitors only: sessions seldom outlive a day, so a week of session
    sets would be as large as its seven days. Built once a week (and again while the lookback
    or a late change reaches the week), not rebuilt every hour while the week is open. -#}
{%- set run = analytics_run_context('analytics_events_weekly_visitor_sets', analytics) -%}
{%- set keys = ['project_id', 'event_type'] + analytics_dimensions('name') + ['week_bucket'] -%}
{%- set match -%}
    {%- for key in keys -%}
        {{ ' and ' if not loop.first }}{{ analytics_null_safe_match('week_counts.' ~ key,
            'week_bands.' ~ key, key in run.spec.nullable_keys) }}
    {%- endfor -%}
{%- endset -%}
with {{ analytics_window_ctes(run) }}

{{ analytics_import_ctes(run, ref('analytics_events_daily_visitor_bands'), 'day_bucket') }}

day_bands as (

    -- the keys in the order of `keys`, then the band
    select
        project_id,
        event_type,
        {{ analytics_dimension_columns() }},
        week_bucket,
        visitor_keys
    from source_sets

),

week_bands as (

    -- the union of the week's daily visitor bands, one row per project, event type, label and
    -- week that had a visitor (analytics_bands_or_sql, in one statement)
    {{ analytics_bands_or_sql('select * from day_bands', keys=keys) | indent(4) }}

),

week_counts as (

    select
        project_id,
        event_type,
        {{ analytics_dimension_columns() }},
        week_bucket,
        sum(event_count)::bigint as event_count
    from source_sets
    group by project_id, event_type, {{ analytics_dimension_columns() }}, week_bucket

),

final as (

    -- one row per project, event type, label and week: its events and its band (the empty
    -- band, the offset 0 alone, when no event had a visitor)
    select
        week_counts.project_id,
        week_counts.event_type,
        {{ analytics_dimension_columns('week_counts') }},
        week_counts.week_bucket,
        week_counts.event_count,
        coalesce(
            week_bands.lo::bit(32) || week_bands.bits, 0::bit(32)::bit varying
        ) as visitor_keys
    from week_counts
    left join week_bands on {{ match }}

)

select * from final
