{% macro analytics_changed_hours_ctes(run, events) -%}
    {#- The slices' CTEs after `events` (the window's events with their event_fingerprint,
        analytics_event_fingerprint), ending with a comma: `unchanged_hours`, the hours of the
        window whose stored slices were made of exactly these events (their count and the sum
        of their hashes equal the stored slices'; a changed hour keeps both with odds of
        2^-64), which are kept as stored (analytics_unchanged_slices_sql) instead of sliced
        again, and `changed_events`, the events of every other hour. So a run numbers and groups
        the new hour and the changed ones only: the lookback's hours rarely change. An hour
        with no events now, or stored without sums (a first build's slices; an older release's),
        is sliced again; so is every hour of a re-aggregation range, which rebuilds
        what it names, an hour a tracked late change marked (track_late_changes: exact at any
        lateness, whatever the sums), and every hour when the run does not compare
        (analytics_compares_hours).
        Needs analytics_window_ctes. -#}
    {%- if not analytics_compares_hours(run) -%}
changed_events as (

    select {{ events }}.* from {{ events }}

),
    {%- else -%}
hour_fingerprints as (

    -- each hour of the window as its events are now
    select
        {{ analytics_bucket_sql('hour', events ~ '.created_at') }} as hour_bucket,
        count(*) as event_count,
        sum({{ events }}.event_fingerprint) as event_fingerprint
    from {{ events }}
    group by {{ analytics_bucket_sql('hour', events ~ '.created_at') }}

),

unchanged_hours as (

    select stored_hours.hour_bucket
    from (
        select
            stored_slices.hour_bucket,
            sum(stored_slices.event_count) as event_count,
            sum(stored_slices.event_fingerprint) as event_fingerprint
        from {{ run.target }} as stored_slices
        where
            stored_slices.hour_bucket >= (select run_window.window_start from run_window)
            and stored_slices.hour_bucket < (select run_window.window_end from run_window)
            and ({{ run.params.reaggregate_from }}) is null
            {%- if run.claimed %}
            -- an hour a tracked change marked is sliced again whatever its sums
            and stored_slices.hour_bucket not in (
                select claimed.hour_bucket from {{ run.claimed }} as claimed
            )
            {%- endif %}
        group by stored_slices.hour_bucket
    ) as stored_hours
    inner join hour_fingerprints
        on
            stored_hours.hour_bucket = hour_fingerprints.hour_bucket
            and stored_hours.event_count = hour_fingerprints.event_count
            and stored_hours.event_fingerprint = hour_fingerprints.event_fingerprint

),

changed_events as (

    select {{ events }}.*
    from {{ events }}
    where
        {{ analytics_bucket_sql('hour', events ~ '.created_at') }} not in (
            select unchanged_hours.hour_bucket from unchanged_hours
        )

),
    {%- endif %}
{%- endmacro %}
