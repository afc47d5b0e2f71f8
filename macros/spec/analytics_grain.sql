{% macro analytics_grain(grain=none) -%}
    {#- Every grain, declared once: its date_trunc unit, the time zone its buckets start in
        ('UTC', or none for the rollup time zone, var rollup_time_zone) and its rank in the
        refresh order (finer first). 'hour' and 'utc_day' are UTC; 'day' and 'week' (ISO, from
        Monday) are in the rollup time zone. A new grain is one line here (a monthly rollup:
        'month': {'unit': 'month', 'tz': none, 'rank': 4}); the model spec, the window, the
        state checks and the refresh order read it from here.
        With a grain: {'unit', 'tz' (resolved), 'zone_dependent'}; without: the whole table. -#}
    {%- set grains = {
        'hour': {'unit': 'hour', 'tz': 'UTC', 'rank': 0},
        'utc_day': {'unit': 'day', 'tz': 'UTC', 'rank': 1},
        'day': {'unit': 'day', 'tz': none, 'rank': 2},
        'week': {'unit': 'week', 'tz': none, 'rank': 3},
    } -%}
    {%- if grain is none -%}
        {{ return(grains) }}
    {%- endif -%}
    {%- if grain not in grains -%}
        {{ exceptions.raise_compiler_error("unknown grain '" ~ grain ~ "'; known: "
            ~ (grains.keys() | list | join(', '))) }}
    {%- endif -%}
    {%- set g = grains[grain] -%}
    {{ return({'unit': g.unit, 'tz': g.tz or analytics_time_zone(), 'zone_dependent': g.tz is none}) }}
{%- endmacro %}
