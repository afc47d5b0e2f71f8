{% macro analytics_unioned_sets(run, groups='groups') -%}
    {#- The end of a model's `final` after its group columns (analytics_union_sets_ctes): each
        group's unioned visitor and session sets (build 'sets', empty when none) or their counts
        (build 'counts', then created_at and updated_at), and the FROM that joins `groups` (or the
        name given) to visitor_sets and session_sets. -#}
    {%- set spec = run.spec -%}
    {%- for kind in ['visitor', 'session'] %}
        {%- if spec.build == 'sets' %}
        coalesce({{ kind }}_sets.{{ kind }}_keys, '{}') as {{ kind }}_keys{{ ',' if not loop.last }}
        {%- else %}
        coalesce({{ kind }}_sets.unique_{{ kind }}s, 0) as unique_{{ kind }}s,
        {%- endif %}
    {%- endfor %}
    {%- if spec.build == 'counts' %}
        {{ analytics_row_timestamps() }}
    {%- endif %}
    from {{ groups }}
    {%- for kind in ['visitor', 'session'] %}
    left join {{ kind }}_sets
        on {{ groups }}.group_id = {{ kind }}_sets.group_id
    {%- endfor %}
{%- endmacro %}
