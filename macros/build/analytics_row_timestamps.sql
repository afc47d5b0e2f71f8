{% macro analytics_row_timestamps() -%}
    {#- The last columns of a rollup's row, created_at and updated_at: now() on a first build;
        on an incremental run the replace strategy moves updated_at only for a row whose
        numbers changed, and keeps created_at. -#}
now() as created_at,
        now() as updated_at
{%- endmacro %}
