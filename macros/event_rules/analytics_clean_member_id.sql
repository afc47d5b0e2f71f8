{% macro analytics_clean_member_id(column) -%}
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
