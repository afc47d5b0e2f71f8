with source as (

    select * from {{ source('app', 'analytics_events') }}

),

final as (

    select
        id as event_id,
        project_id::text as project_id,
        visitor_id,
        session_id,
        event_type::text as event_type,
        {{ analytics_clean_label('event_label') }} as event_label,
        created_at
    from source
    where
        project_id is not null
        and event_type is not null
        and created_at is not null

)

select * from final
