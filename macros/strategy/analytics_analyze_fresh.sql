{% macro analytics_analyze_fresh(fresh, spec) -%}
    {#- ANALYZE of a model's freshly aggregated rows before the replace joins them to the table:
        the grain columns only (spec.unique), which size the joins. The key sets' element
        statistics would cost more than the union that made them (half a second on a busy day)
        and no plan reads them. -#}
analyze {{ fresh }} ({{ spec.unique | join(', ') }})
{%- endmacro %}
