{% macro analytics_stand_ins_enabled() -%}
    {#- var supabase_stand_ins: true/false; unset (null), it is on for the `local` target only. -#}
    {%- set value = var('supabase_stand_ins', none) -%}
    {%- if value is none -%}
        {{ return(target.name == 'local') }}
    {%- endif -%}
    {{ return(value in (true, 'true', 'True', 1, '1')) }}
{%- endmacro %}
