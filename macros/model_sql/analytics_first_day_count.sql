{% macro analytics_first_day_count(kind) -%}
    {#- The exact number of distinct keys of one kind ('visitor' or 'session') in a week, from
        the columns of analytics_week_day_sets (a row of `days`). Up to three days with keys: a
        key counts on its first day, on the first such day always, on a later day when no
        earlier day's sorted set holds it (sets[width_bucket(key, sets)] is the greatest element
        <= key), so no union is built. From four days on, those binary searches (each day's keys
        in every earlier day) cost more than one sort of the week's keys, so the week's keys are
        counted distinct instead (half the time on a Sunday night, measured on make bench's
        data). Either way the count is exact. -#}
    {%- if kind not in ('visitor', 'session') -%}
        {{ exceptions.raise_compiler_error("analytics_first_day_count: kind must be visitor or session, got " ~ kind) }}
    {%- endif -%}
    {#- the row's columns unqualified, as `final` names them; qualified inside subqueries -#}
    {%- set columns = [] -%}
    {%- set sets = [] -%}
    {%- for day in range(1, 8) -%}
        {%- do columns.append(kind ~ '_keys_' ~ day) -%}
        {%- do sets.append('days.' ~ kind ~ '_keys_' ~ day) -%}
    {%- endfor -%}
case
        when num_nonnulls({{ columns | join(', ') }}) > 3 then (
            select count(distinct member_key)
            from unnest({{ sets | join(' || ') }}) as member_key
        )
        else coalesce(cardinality({{ columns[0] }}), 0)
        {%- for day in range(2, 8) %}
        + coalesce((
            select count(*)
            from unnest({{ sets[day - 1] }}) as member_key
            where not coalesce(
                {%- for earlier in range(1, day) %}
                {{ 'or ' if not loop.first }}{{ sets[earlier - 1] }}[width_bucket(member_key, {{ sets[earlier - 1] }})] = member_key
                {%- endfor %},
                false
            )
        ), 0)
        {%- endfor %}
    end
{%- endmacro %}
