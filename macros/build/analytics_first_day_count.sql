{% macro analytics_first_day_count(kind) -%}
    {#- The exact number of distinct keys of one kind ('visitor' or 'session') in a week, from
        the columns of analytics_week_day_sets (a row of `days`), without building the union:
        a key counts on its first day, on Monday always, on a later day when no earlier day's
        sorted set holds it (sets[width_bucket(key, sets)] is the greatest element <= key). -#}
    {%- if kind not in ('visitor', 'session') -%}
        {{ exceptions.raise_compiler_error("analytics_first_day_count: kind must be visitor or session, got " ~ kind) }}
    {%- endif -%}
coalesce(cardinality({{ kind }}_keys_1), 0)
        {%- for day in range(2, 8) %}
        + coalesce((
            select count(*)
            from unnest(days.{{ kind }}_keys_{{ day }}) as member_key
            where not coalesce(
                {%- for earlier in range(1, day) %}
                {{ 'or ' if not loop.first }}days.{{ kind }}_keys_{{ earlier }}[width_bucket(member_key, days.{{ kind }}_keys_{{ earlier }})] = member_key
                {%- endfor %},
                false
            )
        ), 0)
        {%- endfor %}
{%- endmacro %}
