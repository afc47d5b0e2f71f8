{% macro analytics_set_storage() -%}
    {#- Post-hook of the marts (dbt_project.yml): how a maintained model's table is stored.
        - Its member sets (sorted ids or bands, every measure named <...>_keys) without
          compression (`set storage external`). Sorted ids and bands hardly compress (at the
          benchmark's size pglz had compressed none of the label-day sets, slices or visitor
          bands and 145 of 3,000 project-day bands), but pglz tried on every write of a row over
          2 kB: copying the small benchmark's label-day sets took 137-155 ms with it, 75-97 ms
          without. A row over 2 kB still moves its sets out of line.
        - A table whose open bucket every hourly run rewrites (a day or week grain of open
          buckets: not closed_buckets) with half its pages free (`fillfactor = 50`): each row of
          the open day or week gets its new version on its own page, a HOT update that touches
          no index (the old version is pruned when the page is next written). Packed pages had
          made 70-98 % of those updates move rows to other pages and write every index: on the
          small benchmark's day of hourly runs the daily counts took 115-170 ms a run against
          60-100 ms, the label-day sets 330-450 against 210-300, and the label-day sets grew to
          57 MB against 17 MB after 12 runs (dead versions and index entries until a vacuum).
          Rows of ended buckets are never updated, and keep their half-empty pages: these
          heaps end up about twice what a first build writes (some 230 MB at the benchmark's
          size, storage about 0.95x the raw table instead of 0.89x).
        Run once per table (guarded DDL, a short lock_timeout: the dashboards read it): a first
        build writes through the defaults, its next run does not; a table an older release built
        gets them from its next dbt run (rows already written stay where they are). Nothing for
        other models. -#}
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
    {%- set rewritten = spec.grain != 'hour' and not spec.closed_buckets -%}
    {%- if rewritten -%}
        {%- do alters.append('set (fillfactor = 50)') -%}
    {%- endif -%}
    {%- if not alters -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set needed = [] -%}
    {%- if names -%}
        {%- do needed.append("exists (select from pg_attribute where attrelid = "
            ~ analytics_sql_literal(this.render()) ~ "::regclass and attname in ("
            ~ names | join(', ') ~ ") and not attisdropped and attstorage <> 'e')") -%}
    {%- endif -%}
    {%- if rewritten -%}
        {%- do needed.append("not exists (select from pg_class where oid = "
            ~ analytics_sql_literal(this.render()) ~ "::regclass and 'fillfactor=50' = any("
            ~ "coalesce(reloptions, '{}')))") -%}
    {%- endif -%}
    {{ return(analytics_guarded_ddl(this, needed | join(' or '),
        ['alter table ' ~ this ~ ' ' ~ alters | join(', ')],
        'set how it is stored')) }}
{%- endmacro %}
