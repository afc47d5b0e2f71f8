{% macro analytics_union_sets_ctes(run, groups='groups', split_hours=false) -%}
    {#- After a model's CTEs `source_sets` (the finer sets read) and `groups` (or the name given:
        one numbered row, group_id, per bucket of the model's grain and dimensions, with
        source_rows: how many source rows it has), the CTEs `keyed` (each source row's sets with
        its group), `visitor_sets` and `session_sets`: per group the union of its sets, exact (a
        key in two source rows is one key), as a sorted set (the model's spec says build 'sets')
        or its cardinality
        (unique_visitors, unique_sessions). A group of one source row has its set already.
        split_hours: only the source rows that are not a whole hour (the hourly table, whose
        whole hours are counted as they are). Each CTE with its trailing comma. -#}
    {%- set spec = run.spec -%}
    {%- if spec.build not in ('sets', 'counts') -%}
        {{ exceptions.raise_compiler_error("analytics_union_sets_ctes: model '" ~ run.name
            ~ "' has build '" ~ spec.build ~ "', not sets or counts") }}
    {%- endif -%}
keyed as (

    select
        {{ groups }}.group_id,
        {{ groups }}.source_rows,
        source_sets.visitor_keys,
        source_sets.session_keys
    from source_sets
    inner join {{ groups }}
        on
        {%- for column in spec.dimensions + [spec.bucket] %}
            {{ 'and ' if not loop.first }}{{ analytics_null_safe_match('source_sets.' ~ column,
                groups ~ '.' ~ column, column in spec.nullable_keys) }}
        {%- endfor %}
    {%- if split_hours %}
    where not source_sets.whole_hour
    {%- endif %}

),
{%- for kind in ['visitor', 'session'] %}

{{ kind }}_sets as (

    -- a bucket made of one upstream row has its set already; the others are unioned
    select
        keyed.group_id,
        {%- if spec.build == 'sets' %}
        keyed.{{ kind }}_keys
        {%- else %}
        cardinality(keyed.{{ kind }}_keys)::bigint as unique_{{ kind }}s
        {%- endif %}
    from keyed
    where keyed.source_rows = 1
    union all
    select
        members.group_id,
        {%- if spec.build == 'sets' %}
        array_agg(members.member_key order by members.member_key) as {{ kind }}_keys
        {%- else %}
        count(*) as unique_{{ kind }}s
        {%- endif %}
    from (
        select distinct
            keyed.group_id,
            member_key
        from keyed
        cross join unnest(keyed.{{ kind }}_keys) as member_key
        where keyed.source_rows > 1
    ) as members
    group by members.group_id

),
{%- endfor %}
{%- endmacro %}
