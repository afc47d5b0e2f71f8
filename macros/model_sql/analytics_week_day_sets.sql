{% macro analytics_week_day_sets() -%}
    {#- The columns of a weekly model's CTE `days` after its event count: the week's daily sets
        side by side, visitor_keys_1 .. visitor_keys_7 and session_keys_1 .. session_keys_7 by
        ISO day of the week (source_sets.day_of_week), from a GROUP BY of the week's daily rows.
        array_cat reads each set into memory once, so the binary searches of
        analytics_first_day_count do not fetch it again. Leads with a comma. -#}
    {%- for kind in ['visitor', 'session'] %}
        {%- for day in range(1, 7) %},
        max(array_cat({{ kind }}_keys, '{}')) filter (where day_of_week = {{ day }}) as {{ kind }}_keys_{{ day }}
        {%- endfor %},
        max({{ kind }}_keys) filter (where day_of_week = 7) as {{ kind }}_keys_7
    {%- endfor %}
{%- endmacro %}
