{% macro analytics_member_key_version(ids=none) -%}
    {#- The keys the member dictionary `ids` holds (analytics_member_key): {'version': 1 or 2,
        'marker': the table comment that marks a dictionary of version 2 keys}. A dictionary
        carries the marker from its creation (analytics_ensure_member_ids), or from a run that
        found it empty; one an older release filled keeps md5 keys (version 1) until it is
        dropped and every model rebuilt (README › Upgrading). A dictionary not there yet (a
        unit test, parsing): 2. -#}
    {%- set marker = 'analytics_member_key v2: two hashtextextended of the cleaned id' -%}
    {%- set version = 2 -%}
    {%- if execute and ids is not none -%}
        {%- set found = run_query("select to_regclass(" ~ analytics_sql_literal(ids.render())
            ~ ") is not null, obj_description(to_regclass(" ~ analytics_sql_literal(ids.render())
            ~ "), 'pg_class') is not distinct from " ~ analytics_sql_literal(marker)).rows[0] -%}
        {%- set version = 1 if found[0] and not found[1] else 2 -%}
    {%- endif -%}
    {{ return({'version': version, 'marker': marker}) }}
{%- endmacro %}
