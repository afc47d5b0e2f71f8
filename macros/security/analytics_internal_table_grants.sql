{% macro analytics_internal_table_grants(relation) -%}
    {#- An internal table (state, pending marks, change log): RLS on with no policy and no
        privilege for PUBLIC or any API role, so no API request can read or change it. RLS is
        switched on only when it is off (ALTER TABLE locks the table, and the application
        writes the change log), through analytics_guarded_ddl; grants take no table lock. -#}
    {%- set rel = relation.render() -%}
{{ analytics_guarded_ddl(rel,
    'not (select relrowsecurity from pg_class where oid = ' ~ analytics_sql_literal(rel) ~ '::regclass)',
    ['alter table ' ~ rel ~ ' enable row level security'], 'enable row level security') }};
{{ analytics_grant_exactly('table', rel) }}
{%- endmacro %}
