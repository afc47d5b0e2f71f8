{% macro analytics_set_storage() -%}
    {#- Post-hook of the marts (dbt_project.yml): the member sets of a set model's table (sorted ids
        or bands, every measure named <...>_keys) stored without compression (`set storage
        external`). Sorted ids and bands hardly compress (at the benchmark's size pglz had
        compressed none of the label-day sets, slices or visitor bands and 145 of 3,000 project-day
        bands), but pglz tried on every write of a row over 2 kB: copying the small benchmark's
        label-day sets took 137-155 ms with it, 75-97 ms without. A row over 2 kB still moves its
        sets out of line. Run once per table (guarded DDL, a short lock_timeout: the dashboards read
        it): a first build writes through the default, its next run does not; a table an older
        release built gets it from its next dbt run. Nothing for other models. -#}
    {%- if 'analytics' not in model.config.meta -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set spec = analytics_model_spec(this.identifier) -%}
    {%- set names = [] -%}
    {%- set alters = [] -%}
    {%- for column in spec.measures if column.endswith('_keys') -%}
        {%- do names.append(analytics_sql_literal(column)) -%}
        {%- do alters.append('alter column ' ~ adapter.quote(column) ~ ' set storage external') -%}
    {%- endfor -%}
    {%- if not names -%}
        {{ return('select 1') }}
    {%- endif -%}
    {{ return(analytics_guarded_ddl(this, "exists (select from pg_attribute where attrelid = "
        ~ analytics_sql_literal(this.render()) ~ "::regclass and attname in ("
        ~ names | join(', ') ~ ") and not attisdropped and attstorage <> 'e')",
        ['alter table ' ~ this ~ ' ' ~ alters | join(', ')],
        'store its sets uncompressed')) }}
{%- endmacro %}
