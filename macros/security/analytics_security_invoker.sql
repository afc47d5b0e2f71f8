{% macro analytics_security_invoker(relation=none) -%}
    {#- Post-hook for views: `security_invoker = true`, so a view never bypasses the row level
        security of the tables it reads (a plain view runs as its owner, who bypasses RLS). -#}
    {%- set rel = relation or this -%}
    alter view {{ rel.render() }} set (security_invoker = true)
{%- endmacro %}
