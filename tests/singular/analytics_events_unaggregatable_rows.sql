{{ config(severity='warn') }}

{#- Raw rows that cannot be aggregated (no project, event type or time) are left out of every
    aggregate. This test counts them so bad input is visible as a warning, never a failed run. -#}
select
    id,
    project_id,
    event_type,
    created_at
from {{ source('app', 'analytics_events') }}
where
    project_id is null
    or event_type is null
    or created_at is null
