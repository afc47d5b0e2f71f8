{% macro analytics_clean_label(column) -%}
    {#- NULL, empty and whitespace-only labels mean "no label". A label longer than
        max_label_bytes (analytics_event_rules) is kept as its first label_keep_chars characters,
        an ellipsis and the md5 of the whole label: distinct labels stay distinct and every
        label fits an index key. Anything else is kept exactly as written. -#}
    {%- set rules = analytics_event_rules() -%}
    case
        when {{ analytics_blank(column) }} then null
        when octet_length({{ column }}) > {{ rules.max_label_bytes }}
            then left({{ column }}, {{ rules.label_keep_chars }}) || '…' || md5({{ column }})
        else {{ column }}
    end
{%- endmacro %}
