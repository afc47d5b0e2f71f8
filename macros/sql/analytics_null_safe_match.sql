{% macro analytics_null_safe_match(left, right, nullable=true) -%}
    {#- left = right, NULLs equal when `nullable`, in a form the planner can hash or merge
        (IS NOT DISTINCT FROM can do neither, which leaves a join on the other keys only). -#}
    {%- if nullable -%}
        ({{ left }} is null) = ({{ right }} is null) and coalesce({{ left }}::text, '') = coalesce({{ right }}::text, '')
    {%- else -%}
        {{ left }} = {{ right }}
    {%- endif -%}
{%- endmacro %}
