{% macro analytics_event_rules() -%}
    {#- The limits every raw row is checked against, in one place (README › Bad input):
        the staging view, the warning tests and the as_of checks read them from here. -#}
    {{ return({
        'max_key_bytes': 200,
        'max_label_bytes': 1000,
        'label_keep_chars': 200,
        'earliest_event_at': '2000-01-01T00:00:00Z',
        'clock_skew': "interval '5 minutes'",
        'clock_skew_seconds': 300,
    }) }}
{%- endmacro %}


{% macro analytics_blank(column) -%}
    {#- true when a text value is NULL, empty or only whitespace (never NULL itself) -#}
    coalesce({{ column }}::text ~ '^[[:space:]]*$', true)
{%- endmacro %}


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


{% macro analytics_altered_reason(alias) -%}
    {#- Why an aggregated row's value was changed on the way in, or NULL: a blank visitor_id or
        session_id (counted as an event, not as a visitor / session), an over-long one (counted
        by its md5 digest), an over-long label (shortened, see analytics_clean_label). Counted
        by the warn test analytics_events_altered_values. -#}
    {%- set rules = analytics_event_rules() -%}
    case
        when {{ alias }}.visitor_id is not null and {{ analytics_blank(alias ~ '.visitor_id') }}
            then 'blank visitor_id'
        when {{ alias }}.session_id is not null and {{ analytics_blank(alias ~ '.session_id') }}
            then 'blank session_id'
        when octet_length({{ alias }}.visitor_id::text) > {{ rules.max_key_bytes }}
            then 'visitor_id longer than {{ rules.max_key_bytes }} bytes'
        when octet_length({{ alias }}.session_id::text) > {{ rules.max_key_bytes }}
            then 'session_id longer than {{ rules.max_key_bytes }} bytes'
        when octet_length({{ alias }}.event_label::text) > {{ rules.max_label_bytes }}
            then 'event_label longer than {{ rules.max_label_bytes }} bytes'
    end
{%- endmacro %}


{% macro analytics_member_key(column) -%}
    {#- A visitor or session id as it is counted: blank means none (NULL); an id longer than
        max_key_bytes is counted by 'md5:' and its digest, so any id fits an index key. -#}
    {%- set rules = analytics_event_rules() -%}
    case
        when {{ analytics_blank(column) }} then null
        when octet_length({{ column }}::text) > {{ rules.max_key_bytes }}
            then 'md5:' || md5({{ column }}::text)
        else {{ column }}::text
    end
{%- endmacro %}
