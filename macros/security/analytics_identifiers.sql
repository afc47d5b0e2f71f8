{% macro analytics_identifier_var(name, default) -%}
    {#- A var that names a schema or table, checked: a non-empty string of at most 63 bytes
        without a double quote or NUL (dbt renders identifiers in double quotes without
        escaping them, so a `"` would break out of every statement that names the object).
        A single quote is fine: literals go through analytics_sql_literal. -#}
    {%- set value = var(name, default) -%}
    {%- if value is not string or value | length == 0 -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must name a schema or table, got: " ~ value) }}
    {%- endif -%}
    {{ return(analytics_checked_identifier(value, "var '" ~ name ~ "'")) }}
{%- endmacro %}


{% macro analytics_checked_identifier(value, what) -%}
    {#- `value` if PostgreSQL can hold it as an identifier dbt can quote, else a clear error -#}
    {%- if '"' in value or '\x00' in value -%}
        {{ exceptions.raise_compiler_error(what ~ " may not contain a double quote or NUL (dbt "
            ~ "quotes identifiers without escaping them), got: " ~ value) }}
    {%- endif -%}
    {%- if value.encode('utf-8') | length > 63 -%}
        {{ exceptions.raise_compiler_error(what ~ " is longer than PostgreSQL's 63-byte "
            ~ "identifiers, got: " ~ value) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}


{% macro analytics_quote(value) -%}
    {#- An identifier in double quotes (checked by analytics_checked_identifier) -#}
    {{ return(adapter.quote(analytics_checked_identifier(value, 'identifier'))) }}
{%- endmacro %}


{% macro analytics_private_schema() -%}
    {#- The quoted schema of the policy lookups and the open-hours function (var policy_schema,
        default analytics_private), which several deployments may share. -#}
    {{ return(adapter.quote(analytics_identifier_var('policy_schema', 'analytics_private'))) }}
{%- endmacro %}


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
