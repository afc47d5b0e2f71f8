{% macro analytics_settled_columns_ddl(relation, spec) -%}
    {#- The measures a newer release added, on an existing table that an older release built:
        the settled measures of a `settled` model (analytics_settled_sets_ctes), so its days
        are read whole once and then settle, and the slices' event_fingerprint, so their hours
        are sliced again once and then compared (NULL columns; guarded DDL, a short
        lock_timeout); nothing when they are there or the model has none. Run by the model's
        pre-hook and, for a run that selects other models only, before the refresh function
        that reads them is created. -#}
    {%- if not (spec.get('settled') or spec.build == 'event_sets') -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set adds = [] -%}
    {%- set names = [] -%}
    {%- for measure in spec.measures[1 + spec.members | length:] -%}
        {%- do adds.append('add column if not exists ' ~ measure ~ ' ' ~ ('timestamptz'
            if measure == 'settled_through' else 'bigint' if measure == 'settled_event_count'
            else 'numeric' if measure == 'event_fingerprint' else 'integer []')) -%}
        {%- do names.append(analytics_sql_literal(measure)) -%}
    {%- endfor -%}
    {#- any of them missing (not only the first): the lock is taken only then -#}
    {{ return(analytics_guarded_ddl(relation, "(select count(*) from pg_attribute where attrelid = "
        ~ analytics_sql_literal(relation.render()) ~ "::regclass and attname in ("
        ~ names | join(', ') ~ ") and not attisdropped) < " ~ names | length,
        ['alter table ' ~ relation ~ ' ' ~ adds | join(', ')], 'add the columns of this release')) }}
{%- endmacro %}
