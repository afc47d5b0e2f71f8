{% macro analytics_settled_columns_ddl(relation, spec) -%}
    {#- The settled measures (analytics_settled_sets_ctes) added to an existing table of a
        `settled` model that an older release built, as NULL columns, so its days are read whole
        once and then settle (guarded DDL, a short lock_timeout); nothing when they are there or
        the model is not settled. Run by the model's pre-hook and, for a run that selects other
        models only, before the refresh function that reads them is created. -#}
    {%- if not spec.get('settled') -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set adds = [] -%}
    {%- set names = [] -%}
    {%- for measure in spec.measures[1 + spec.members | length:] -%}
        {%- do adds.append('add column if not exists ' ~ measure ~ ' ' ~ ('timestamptz'
            if measure == 'settled_through' else 'bigint' if measure == 'settled_event_count'
            else 'integer []')) -%}
        {%- do names.append(analytics_sql_literal(measure)) -%}
    {%- endfor -%}
    {#- any of them missing (not only the first): the lock is taken only then -#}
    {{ return(analytics_guarded_ddl(relation, "(select count(*) from pg_attribute where attrelid = "
        ~ analytics_sql_literal(relation.render()) ~ "::regclass and attname in ("
        ~ names | join(', ') ~ ") and not attisdropped) < " ~ names | length,
        ['alter table ' ~ relation ~ ' ' ~ adds | join(', ')], 'add the settled columns')) }}
{%- endmacro %}
