{% macro analytics_key_function(base) -%}
    {#- The qualified name of one of analytics_key_aggregates' functions. -#}
    {%- if base not in ('analytics_sorted_keys', 'analytics_distinct_keys', 'analytics_key_union',
        'analytics_key_count', 'analytics_ids_band', 'analytics_bands_or', 'analytics_band_union',
        'analytics_bands_count', 'analytics_set_ids') -%}
        {{ exceptions.raise_compiler_error("analytics_key_function: unknown function " ~ base) }}
    {%- endif -%}
    {{ return(analytics_private_schema() ~ '.' ~ analytics_private_name(base)) }}
{%- endmacro %}
