{% macro analytics_member_key(column) -%}
    {#- The 128-bit key a visitor or session id is stored as in every set: md5 of the cleaned id
        as a uuid (fixed width, sortable, no dictionary). NULL stays NULL. No aggregate table
        holds a plaintext id. -#}
    md5({{ column }})::uuid
{%- endmacro %}
