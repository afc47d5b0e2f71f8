{% macro analytics_dimension_columns(alias=none) -%}
    {#- The declared dimensions' columns for a select list or a group by, comma-separated,
        qualified by `alias` when given: `source_sets.event_label`. -#}
    {%- set prefix = alias ~ '.' if alias else '' -%}
    {%- for name in analytics_dimensions('name') -%}
        {{ ', ' if not loop.first }}{{ prefix }}{{ name }}
    {%- endfor -%}
{%- endmacro %}
