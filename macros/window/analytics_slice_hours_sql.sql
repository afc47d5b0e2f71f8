{% macro analytics_slice_hours_sql(slices, where) -%}
    {#- The SELECT of one row per UTC hour of the slices that `where` (a condition on the alias
        `slices`) picks: hour_bucket, the hour's event count and the sum of its slices'
        event_fingerprint, NULL when one of them has none (a first build's) or when the table
        has no such column (an older release's, until a run of the slices adds it): a sum that
        never equals a record, so such an hour is always made again. An hour table's window
        compares these with its records (analytics_window_sql), and its replace records them
        (analytics_replace_buckets_sql). -#}
    {%- set columns = adapter.get_columns_in_relation(slices) | map(attribute='name') | list
        if execute else [] -%}
select
    slices.hour_bucket,
    sum(slices.event_count)::bigint as event_count,
    {%- if 'event_fingerprint' in columns %}
    case
        when count(slices.event_fingerprint) = count(*) then sum(slices.event_fingerprint)
    end as event_fingerprint
    {%- else %}
    null::numeric as event_fingerprint
    {%- endif %}
from {{ slices }} as slices
where {{ where }}
group by slices.hour_bucket
{%- endmacro %}
