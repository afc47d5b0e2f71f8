{% macro analytics_unchanged_slices_sql(run) -%}
    {#- For the slices' final SELECT, after the fresh slices: `union all` the stored slices of
        the unchanged hours (analytics_changed_hours_ctes), as they are, so the window's
        buckets stay whole for the replace strategy; nothing when the run does not compare
        (analytics_compares_hours). -#}
    {%- if analytics_compares_hours(run) %}
    union all
    select
        stored_slices.project_id,
        stored_slices.event_type,
        {{ analytics_dimension_columns('stored_slices') }},
        stored_slices.hour_bucket,
        stored_slices.day_bucket,
        stored_slices.event_count,
        stored_slices.visitor_keys,
        stored_slices.session_keys,
        stored_slices.event_fingerprint
    from {{ run.target }} as stored_slices
    where stored_slices.hour_bucket in (select unchanged_hours.hour_bucket from unchanged_hours)
    {%- endif %}
{%- endmacro %}
