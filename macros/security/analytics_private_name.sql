{% macro analytics_private_name(base, schema=none) -%}
    {#- The name of a function this deployment (target schema) keeps in the shared policy
        schema: `base`, two underscores, the schema name cut so the whole fits 63 bytes, and an
        md5 prefix of the full schema name, so two deployments never share an object, however
        long and alike their schema names. Returned quoted. -#}
    {%- set schema = schema or target.schema -%}
    {%- set suffix = '_' ~ local_md5(schema)[:8] -%}
    {%- set head = (base ~ '__' ~ schema).encode('utf-8')[:63 - suffix | length]
        .decode('utf-8', 'ignore') -%}
    {{ return(adapter.quote(head ~ suffix)) }}
{%- endmacro %}
