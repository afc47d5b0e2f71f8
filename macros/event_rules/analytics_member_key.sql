{% macro analytics_member_key(column) -%}
    {#- The 128-bit key a visitor or session id is known by in the member dictionary
        (analytics_ensure_member_ids), which gives it the id every set holds: md5 of the cleaned
        id as a uuid (fixed width). NULL stays NULL. No table of the project holds a plaintext
        id. -#}
    md5({{ column }})::uuid
{%- endmacro %}
