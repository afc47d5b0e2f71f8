{% macro analytics_ensure_settled_columns() -%}
    {#- Pre-hook of a `settled` model (analytics_model_spec): a table built by an older release
        gets the settled measures (analytics_settled_sets_ctes) as NULL columns, so its days
        are read whole once and then settle; nothing on a first build or when they are there. -#}
    {%- set spec = analytics_model_spec(this.identifier) -%}
    {%- if not spec.get('settled') or not is_incremental() -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set adds = [] -%}
    {%- for measure in spec.measures[1 + spec.members | length:] -%}
        {%- do adds.append('add column if not exists ' ~ measure ~ ' ' ~ ('timestamptz'
            if measure == 'settled_through' else 'bigint' if measure == 'settled_event_count'
            else 'integer []')) -%}
    {%- endfor -%}
    {{ return(analytics_guarded_ddl(this, "not exists (select from pg_attribute where attrelid = "
        ~ analytics_sql_literal(this.render()) ~ "::regclass and attname = 'settled_through')",
        ['alter table ' ~ this ~ ' ' ~ adds | join(', ')], 'add the settled columns')) }}
{%- endmacro %}
