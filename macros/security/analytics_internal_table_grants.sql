{% macro analytics_internal_table_grants(relation) -%}
    {#- An internal table (state, pending marks, change log): RLS on with no policy and no
        privilege for PUBLIC or any API role, so no API request can read or change it. -#}
    {%- set rel = relation.render() -%}
alter table {{ rel }} enable row level security;
{{ analytics_grant_exactly('table', rel) }}
{%- endmacro %}
