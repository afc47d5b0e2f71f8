{% macro analytics_relation(name, schema=none) -%}
    {#- A relation of this project by name, in the target schema, without ref(): for SQL that
        is rendered into database functions rather than run by a model. -#}
    {{ return(api.Relation.create(database=target.database, schema=schema or target.schema,
        identifier=name, type='table')) }}
{%- endmacro %}
