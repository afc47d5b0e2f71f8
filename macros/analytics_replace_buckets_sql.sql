{% macro analytics_replace_buckets_sql(target, fresh, window_sql, bucket, measures, into=none) -%}
    {#- Make every bucket of the window exactly equal to `fresh` in one statement: rows that
        vanished are deleted, rows whose numbers changed are updated (updated_at moves only
        then), new rows are inserted with created_at = updated_at = now(). The grain's label
        is matched NULL-safely. Buckets outside the window are not touched. Returns one row:
        rows_removed, rows_changed, rows_added. -#}
    {%- set keys = ['project_id', 'event_type'] -%}
    {%- set match -%}
        fresh.{{ bucket }} = old.{{ bucket }}
        {%- for key in keys %}
        and fresh.{{ key }} = old.{{ key }}
        {%- endfor %}
        and fresh.event_label is not distinct from old.event_label
    {%- endset -%}
with run_window as (

    {{ window_sql }}

),

removed as (

    delete from {{ target }} as old
    using run_window
    where
        old.{{ bucket }} >= run_window.window_start
        and old.{{ bucket }} < run_window.window_end
        and not exists (
            select from {{ fresh }} as fresh
            where {{ match }}
        )
    returning 1

),

changed as (

    update {{ target }} as old
    set
        {%- for measure in measures %}
        {{ measure }} = fresh.{{ measure }},
        {%- endfor %}
        updated_at = now()
    from {{ fresh }} as fresh
    where
        {{ match }}
        and ({% for m in measures %}old.{{ m }}{{ ', ' if not loop.last }}{% endfor %})
        is distinct from ({% for m in measures %}fresh.{{ m }}{{ ', ' if not loop.last }}{% endfor %})
    returning 1

),

added as (

    insert into {{ target }} (
        {{ keys | join(', ') }}, event_label, {{ bucket }},
        {{ measures | join(', ') }}, created_at, updated_at
    )
    select
        {% for key in keys %}fresh.{{ key }}, {% endfor %}fresh.event_label, fresh.{{ bucket }},
        {% for m in measures %}fresh.{{ m }}, {% endfor %}now(), now()
    from {{ fresh }} as fresh
    where not exists (
        select from {{ target }} as old
        where {{ match }}
    )
    returning 1

)

select
    (select count(*) from removed) as rows_removed,
    (select count(*) from changed) as rows_changed,
    (select count(*) from added) as rows_added
{%- if into %}
into {{ into }}
{%- endif %}
{%- endmacro %}
