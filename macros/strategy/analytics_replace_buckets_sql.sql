{% macro analytics_replace_buckets_sql(target, fresh, window_sql, spec, into=none, claimed=none,
    bounds=none) -%}
    {#- Make every bucket of the window exactly equal to `fresh`, in one statement: rows that
        vanished are deleted, rows whose measures changed are updated (updated_at moves only
        then), new rows are inserted (created_at = updated_at = now()). Nullable keys (the label)
        are matched NULL-safely. Buckets outside the window are not touched. A model of hours
        made from the slices (spec hour_fingerprints) records, in the same statement, each hour
        of the window's (and claimed) event count and fingerprint sum of the slices (they are
        what `fresh` was made from: the slices change only under the schema's lock), and drops
        its records of window hours without slices and of hours two days before the window's
        end. `spec` is the model's analytics_model_spec. Returns one row: rows_removed,
        rows_changed, rows_added (into plpgsql variables when `into` is given). `bounds`, when
        given, is a pair of SQL expressions equal to the window's start and end that the planner
        can read (the refresh function's variables, computed from window_sql just before): the
        stored rows of the window are then estimated from their statistics instead of guessed
        (a subquery's range: 753 of the slices' 7,546, and the update merge-joined on every key
        but the label, comparing each slice with every label of its hour and type: 108 ms;
        joined by hash on every key, as analytics_rebuild_step_sql sets, 34 ms). -#}
    {%- set bucket = spec.bucket -%}
    {%- set keys = spec.key_columns -%}
    {%- set nullable = spec.nullable_keys -%}
    {%- set measures = spec.measures -%}
    {%- set match -%}
        fresh.{{ bucket }} = old.{{ bucket }}
        {%- for key in keys + nullable %}
        and {{ analytics_null_safe_match('fresh.' ~ key, 'old.' ~ key, key in nullable) }}
        {%- endfor %}
    {%- endset -%}
    {#- the stored rows the window may touch: the planner then reads only those (through the
        bucket index) instead of hashing the whole table for the anti-joins #}
    {%- set window_start = bounds[0] if bounds else '(select w.window_start from run_window as w)' -%}
    {%- set window_end = bounds[1] if bounds else '(select w.window_end from run_window as w)' -%}
    {%- set old_in_window -%}
        (
            old.{{ bucket }} >= {{ window_start }}
            and old.{{ bucket }} < {{ window_end }}
            {%- if claimed %}
            or old.{{ bucket }} in (select extra_buckets.bucket_start from extra_buckets)
            {%- endif %}
        )
    {%- endset -%}
    {%- set columns = keys + nullable + [bucket] + measures
        + (['created_at', 'updated_at'] if spec.timestamps else []) -%}
with run_window as (

    {{ window_sql }}

),
{%- if claimed %}

extra_buckets as (

    {{ analytics_extra_buckets_sql(claimed, spec.grain, kept_for=spec.get('kept_for'), target=target) }}

),
{%- endif %}

removed as (

    delete from {{ target }} as old
    using run_window
    where
        (
            old.{{ bucket }} >= {{ bounds[0] if bounds else 'run_window.window_start' }}
            and old.{{ bucket }} < {{ bounds[1] if bounds else 'run_window.window_end' }}
            {%- if claimed %}
            or old.{{ bucket }} in (select extra_buckets.bucket_start from extra_buckets)
            {%- endif %}
            {%- if spec.closed_buckets %}
            -- a bucket that had not ended (spec closed_buckets): never a row
            or old.{{ bucket }} >= run_window.open_from
            {%- endif %}
        )
        and not exists (
            select from {{ fresh }} as fresh
            where {{ match }}
        )
    returning 1

),

changed as (

    {%- if measures %}
    update {{ target }} as old
    set
        {%- for measure in measures %}
        {{ measure }} = fresh.{{ measure }}{{ ',' if not loop.last or spec.timestamps }}
        {%- endfor %}
        {%- if spec.timestamps %}
        updated_at = now()
        {%- endif %}
    from {{ fresh }} as fresh
    where
        {{ match }}
        and {{ old_in_window }}
        and ({% for m in measures %}old.{{ m }}{{ ', ' if not loop.last }}{% endfor %})
        is distinct from ({% for m in measures %}fresh.{{ m }}{{ ', ' if not loop.last }}{% endfor %})
    returning 1
    {%- else %}
    select 1 where false
    {%- endif %}

),

added as (

    insert into {{ target }} ({{ columns | join(', ') }})
    select
        {%- for column in columns %}
        {{ 'now()' if column in ('created_at', 'updated_at') else 'fresh.' ~ column }}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from {{ fresh }} as fresh
    where not exists (
        select from {{ target }} as old
        where
            {{ match }}
            and {{ old_in_window }}
    )
    returning 1

)

{%- if spec.get('hour_fingerprints') %}
{%- set slices = analytics_relation(spec.upstream.model, target.schema) %}
{%- set fingerprints = analytics_relation('analytics_hour_fingerprints', target.schema) %}
{%- set model_literal = analytics_sql_literal(spec.name) %}
,

slice_hours as (

    -- the count and fingerprint sum of each hour's slices that `fresh` was made from
    {%- set picked -%}
        slices.hour_bucket >= (select w.window_start from run_window as w)
        and slices.hour_bucket < (select w.window_end from run_window as w)
        {%- if claimed %}
        or slices.hour_bucket in (select extra_buckets.bucket_start from extra_buckets)
        {%- endif %}
    {%- endset %}
    {{ analytics_slice_hours_sql(slices, picked) | indent(4) }}

),

fingerprints_dropped as (

    delete from {{ fingerprints }} as recorded
    where
        recorded.model = {{ model_literal }}
        and (
            (
                recorded.hour_bucket >= (select w.window_start from run_window as w)
                and recorded.hour_bucket < (select w.window_end from run_window as w)
                {%- if claimed %}
                or recorded.hour_bucket in (select extra_buckets.bucket_start from extra_buckets)
                {%- endif %}
            )
            and not exists (
                select from slice_hours where slice_hours.hour_bucket = recorded.hour_bucket
            )
            or recorded.hour_bucket < (select w.window_end from run_window as w) - interval '2 days'
        )
    returning 1

),

fingerprints_recorded as (

    insert into {{ fingerprints }} as recorded
        (model, relation_oid, hour_bucket, event_count, event_fingerprint)
    select
        {{ model_literal }},
        to_regclass({{ analytics_sql_literal(target.render()) }}),
        slice_hours.hour_bucket,
        slice_hours.event_count,
        slice_hours.event_fingerprint
    from slice_hours
    on conflict (model, hour_bucket) do update set
        relation_oid = excluded.relation_oid,
        event_count = excluded.event_count,
        event_fingerprint = excluded.event_fingerprint
    returning 1

)
{%- endif %}

select
    (select count(*) from removed) as rows_removed,
    (select count(*) from changed) as rows_changed,
    (select count(*) from added) as rows_added
{%- if into %}
into {{ into }}
{%- endif %}
{%- endmacro %}
