{{
    config(
        materialized='view',
        pre_hook=["{{ analytics_open_hours_function() }}"],
    )
}}

{#- One row per project, event type, label and UTC hour, up to now: the completed hours from
    analytics_events_hourly_agg plus the hours after the newest stored one (the open hour)
    aggregated from the raw events, so a dashboard's last bar is never missing. -#}
{%- set open_hours = analytics_private_schema() ~ '.'
    ~ analytics_private_name('analytics_open_hours', this.schema) -%}
{#- the hourly table's columns, without its id and timestamps -#}
{%- set columns = ['project_id', 'event_type'] + analytics_dimensions('name') + ['hour_bucket',
    'event_count', 'unique_visitors', 'unique_sessions'] -%}

with stored as (

    select
        {%- for column in columns %}
            {{ column }},
        {%- endfor %}
        false as is_open_hour
    from {{ ref('analytics_events_hourly_agg') }}

),

open_hours as (

    select
        {%- for column in columns %}
            {{ column }},
        {%- endfor %}
        true as is_open_hour
    from {{ open_hours }}()

),

final as (

    select * from stored
    union all
    select * from open_hours

)

select * from final
