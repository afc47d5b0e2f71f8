{% macro analytics_unaggregatable_reason(alias) -%}
    {#- Why a raw row of `alias` cannot be aggregated, or NULL when it can: no (or a blank)
        project_id or event_type, a project_id or event_type too long for an index key, no
        created_at, or a created_at outside [earliest_event_at, now() + clock skew], which
        also catches -infinity and infinity. Such rows are left out of every aggregate and
        counted by the warn test analytics_events_unaggregatable_rows. -#}
    {%- set rules = analytics_event_rules() -%}
    case
        when {{ analytics_blank(alias ~ '.project_id') }} then 'missing project_id'
        when octet_length({{ alias }}.project_id::text) > {{ rules.max_key_bytes }}
            then 'project_id longer than {{ rules.max_key_bytes }} bytes'
        when {{ analytics_blank(alias ~ '.event_type') }} then 'missing event_type'
        when octet_length({{ alias }}.event_type::text) > {{ rules.max_key_bytes }}
            then 'event_type longer than {{ rules.max_key_bytes }} bytes'
        when {{ alias }}.created_at is null then 'missing created_at'
        when {{ alias }}.created_at < '{{ rules.earliest_event_at }}'::timestamptz
            then 'created_at before {{ rules.earliest_event_at }}'
        when {{ alias }}.created_at > now() + {{ rules.clock_skew }}
            then 'created_at in the future'
    end
{%- endmacro %}
