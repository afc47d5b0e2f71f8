{% macro analytics_bucket_sql(grain, column='created_at') -%}
    {#- The bucket of a timestamp: its UTC hour, or its day / ISO week in the rollup time zone. -#}
    date_trunc('{{ grain }}', {{ column }}, '{{ "UTC" if grain == "hour" else analytics_time_zone() }}')
{%- endmacro %}
