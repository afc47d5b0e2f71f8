{{ config(severity='warn') }}

{#- Raw rows that are aggregated with a value changed on the way in: a blank visitor or session
    id (no visitor / session), an id or a label too long for an index key (counted by its
    digest, shortened). Listed with the reason so it is visible, never silent. -#}
with checked as (

    select
        source.id,
        left(source.project_id::text, 40) as project_id,
        source.created_at,
        {{ analytics_altered_reason('source') }} as reason
    from {{ source('app', 'analytics_events') }} as source
    where ({{ analytics_unaggregatable_reason('source') }}) is null

)

select * from checked
where reason is not null
