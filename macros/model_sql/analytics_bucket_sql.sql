{% macro analytics_bucket_sql(grain, column='created_at') -%}
    {#- The bucket of a timestamp: its UTC hour or UTC day, or its day / ISO week in the rollup
        time zone (analytics_grain). -#}
    {%- set g = analytics_grain(grain) -%}
    date_trunc('{{ g.unit }}', {{ column }}, '{{ g.tz }}')
{%- endmacro %}
