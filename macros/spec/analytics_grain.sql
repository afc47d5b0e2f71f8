{% macro analytics_grain(grain) -%}
    {#- What a model's grain means: the date_trunc unit and the time zone its buckets start in.
        'hour' and 'utc_day' are UTC; 'day' and 'week' (ISO, from Monday) are in the rollup
        time zone. -#}
    {%- set grains = {
        'hour': {'unit': 'hour', 'tz': 'UTC'},
        'utc_day': {'unit': 'day', 'tz': 'UTC'},
        'day': {'unit': 'day', 'tz': none},
        'week': {'unit': 'week', 'tz': none},
    } -%}
    {%- if grain not in grains -%}
        {{ exceptions.raise_compiler_error("unknown grain '" ~ grain ~ "'; known: "
            ~ (grains.keys() | list | join(', '))) }}
    {%- endif -%}
    {%- set g = grains[grain] -%}
    {{ return({'unit': g.unit, 'tz': g.tz or analytics_time_zone()}) }}
{%- endmacro %}
