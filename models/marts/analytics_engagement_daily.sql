{{ config(materialized='view') }}

{#- One row per project and day (rollup time zone): interactions divided by impressions
    (event types set by vars, quoted as literals), NULL on a day without impressions. -#}
{%- set interaction = analytics_sql_literal(var('engagement_interaction_type')) -%}
{%- set impression = analytics_sql_literal(var('engagement_impression_type')) -%}

with daily as (

    select * from {{ ref('analytics_events_daily_agg') }}

),

final as (

    select
        project_id,
        day_bucket,
        coalesce(sum(event_count) filter (
            where event_type = {{ interaction }}
        ), 0)::bigint as interactions,
        coalesce(sum(event_count) filter (
            where event_type = {{ impression }}
        ), 0)::bigint as impressions,
        coalesce(sum(event_count) filter (
            where event_type = {{ interaction }}
        ), 0)::numeric
        / nullif(sum(event_count) filter (
            where event_type = {{ impression }}
        ), 0) as engagement_rate
    from daily
    group by
        project_id,
        day_bucket

)

select * from final
