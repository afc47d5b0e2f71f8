{% macro analytics_altered_reason(alias) -%}
    {#- Why an aggregated row's value was changed on the way in, or NULL: a blank visitor_id or
        session_id (counted as an event, not as a visitor / session), an over-long one (counted
        by its md5 digest), an over-long label or other dimension (shortened, see
        analytics_clean_label and analytics_dimensions). Counted by the warn test
        analytics_events_altered_values. -#}
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
        {%- for dimension in analytics_dimensions() %}
        {%- set raw = dimension.raw.replace('{row}', alias) %}
        when octet_length({{ raw }}::text) > {{ rules.max_label_bytes }}
            then '{{ dimension.name }} longer than {{ rules.max_label_bytes }} bytes'
        {%- endfor %}
    end
{%- endmacro %}
