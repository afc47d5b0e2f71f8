{% macro analytics_api_grants(relation=none, exposed=true) -%}
    {%- set relation = relation or this -%}
    {#- Post-hook: the relation's API privileges, exactly (analytics_grant_exactly): an exposed
        relation gets SELECT for `authenticated` (rows filtered by RLS) and `service_role`
        (server side, BYPASSRLS) and USAGE on its schema; `anon` gets nothing; no API role may
        insert, update, delete or truncate. The sequences the table owns (the identity of the
        hourly table) get no privilege at all: with Supabase's legacy default privileges anon
        could otherwise setval() them and break the next refresh. -#}
    {%- set rel = relation.render() -%}
    {%- set readers = ['authenticated', 'service_role'] if exposed else [] -%}
{{ analytics_grant_exactly('table', rel, 'select' if exposed else none, readers) }};
{%- if exposed %}
{{ analytics_grant_exactly('schema', analytics_quote(relation.schema), 'usage', readers) }};
{%- endif %}
{{ analytics_owned_sequence_grants(relation) }}
{%- endmacro %}
