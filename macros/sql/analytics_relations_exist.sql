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
