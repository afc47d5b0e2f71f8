{{ config(severity='warn') }}

{#- Raw rows that cannot be aggregated (no or a blank project, event type or time, a project or
    type too long for an index key, a time before 2000 or in the future) are left out of every
    aggregate. This test lists them with the reason so bad input is visible as a warning,
    never a failed run. The rules: macros/event_rules/analytics_event_rules.sql. -#}
with checked as (

    select
        source.id,
        left(source.project_id::text, 40) as project_id,
        left(source.event_type::text, 40) as event_type,
        source.created_at,
        {{ analytics_unaggregatable_reason('source') }} as reason
    from {{ source('app', 'analytics_events') }} as source

)

select * from checked
where reason is not null
