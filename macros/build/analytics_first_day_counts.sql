{% macro analytics_first_day_counts() -%}
    {#- The columns of a weekly model's `final` after its event count, from a row of its CTE
        `days` (analytics_week_day_sets): unique_visitors and unique_sessions, the exact distinct
        counts of the week without building its union (analytics_first_day_count), then
        created_at and updated_at. -#}
{{ analytics_first_day_count('visitor') }} as unique_visitors,
        {{ analytics_first_day_count('session') }} as unique_sessions,
        {{ analytics_row_timestamps() }}
{%- endmacro %}
