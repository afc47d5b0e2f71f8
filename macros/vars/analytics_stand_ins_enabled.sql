{% macro analytics_stand_ins_enabled() -%}
    {#- var supabase_stand_ins: true/false. Unset (null): the environment variable
        ANALYTICS_SUPABASE_STAND_INS, which only scripts/local_pg.sh sets for its throwaway
        cluster; otherwise off, so the project never creates or alters anything in the
        application's schema unless asked to. -#}
    {%- set value = var('supabase_stand_ins') -%}
    {%- if value is none -%}
        {%- set value = env_var('ANALYTICS_SUPABASE_STAND_INS', 'false') -%}
    {%- endif -%}
    {{ return(value in (true, 'true', 'True', 1, '1')) }}
{%- endmacro %}
