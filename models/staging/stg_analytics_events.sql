with source as (

    select * from {{ source('app', 'analytics_events') }}

),

final as (

    select
        source.id as event_id,
        source.project_id::text as project_id,
        {{ analytics_clean_member_id('source.visitor_id') }} as visitor_id,
        {{ analytics_clean_member_id('source.session_id') }} as session_id,
        source.event_type::text as event_type,
        {%- for dimension in analytics_dimensions() %}
            {%- set raw = dimension.raw.replace('{row}', 'source') %}
            {{ analytics_clean_label(raw) }} as {{ dimension.name }},
        {%- endfor %}
        source.created_at
    from source
    where
        -- rows that cannot be aggregated are counted by analytics_events_unaggregatable_rows
        ({{ analytics_unaggregatable_reason('source') }}) is null

)

select * from final
