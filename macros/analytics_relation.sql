{% macro analytics_relation(name, schema=none) -%}
    {#- A relation of this project by name, in the target schema, without ref(): for SQL that
        is rendered into database functions rather than run by a model. -#}
    {{ return(api.Relation.create(database=target.database, schema=schema or target.schema,
        identifier=name, type='table')) }}
{%- endmacro %}


{% macro analytics_relations_exist(relations) -%}
    {#- true when every relation exists in the database now (hooks: what this run or an earlier
        one built; a `--select` of part of the project leaves the rest unbuilt) -#}
    {%- for relation in relations -%}
        {%- if adapter.get_relation(database=relation.database, schema=relation.schema,
            identifier=relation.identifier) is none -%}
            {{ return(false) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}
