{% macro analytics_extra_buckets_sql(claimed, grain, window_cte='run_window', kept_for=none,
    target=none) -%}
    {#- The buckets outside the run's contiguous window that claimed pending hours fall in,
        each as [bucket_start, bucket_end), cut at the window's end. Windows start on bucket
        boundaries, so these buckets never overlap the window. An hour is in one day, or in two
        in a zone whose days start at :30. With `kept_for` (a table that keeps only the buckets that
        can still change, analytics_prune_kept_sets) and its `target`: a claimed hour before its
        first kept day (analytics_kept_from_sql) brings what its readers need back: for the
        slices, every hour of the hour's day, so the day can be rebuilt from its slices; for the
        daily type sets, every day of the hour's week, so the week can be counted again. -#}
    {%- set g = analytics_grain(grain) -%}
    {%- set tz = g.tz -%}
    {%- set starts -%}
        {%- if kept_for and grain == 'hour' -%}
        select hours.hour_start
        from {{ claimed }} as claimed
        -- the UTC hours overlapping the day or days (rollup zone) the claimed hour lies in
        cross join lateral generate_series(
            case
                when {{ analytics_bucket_sql('day', 'claimed.hour_bucket') }}
                    < {{ analytics_kept_from_sql(target) }}
                    then date_trunc('hour', {{ analytics_bucket_sql('day', 'claimed.hour_bucket') }}, 'UTC')
                else claimed.hour_bucket
            end,
            case
                when {{ analytics_bucket_sql('day', 'claimed.hour_bucket') }}
                    < {{ analytics_kept_from_sql(target) }}
                    then date_trunc('hour', ({{ analytics_bucket_sql('day', "claimed.hour_bucket + interval '59:59.999999'") }}
                        at time zone '{{ analytics_time_zone() }}' + interval '1 day')
                        at time zone '{{ analytics_time_zone() }}' - interval '1 microsecond', 'UTC')
                else claimed.hour_bucket
            end,
            interval '1 hour'
        ) as hours (hour_start)
        {%- elif kept_for and grain == 'day' -%}
        {%- set week = analytics_bucket_sql('week', 'ends.moment') -%}
        {%- set day = analytics_bucket_sql('day', 'ends.moment') -%}
        select days.day_start at time zone '{{ tz }}' as hour_start
        from {{ claimed }} as claimed
        -- the claimed hour's day or days (an hour is in two in a zone whose days start at :30)
        cross join lateral (
            values (claimed.hour_bucket), (claimed.hour_bucket + interval '59:59.999999')
        ) as ends (moment)
        -- that day, or every day of its week when the week's days were pruned
        cross join lateral generate_series(
            case
                when {{ week }} < {{ analytics_kept_from_sql(target) }}
                    then {{ week }}
                else {{ day }}
            end at time zone '{{ tz }}',
            case
                when {{ week }} < {{ analytics_kept_from_sql(target) }}
                    then {{ week }} at time zone '{{ tz }}' + interval '6 days'
                else {{ day }} at time zone '{{ tz }}'
            end,
            interval '1 day'
        ) as days (day_start)
        {%- else -%}
        select {{ analytics_bucket_sql(grain, 'claimed.hour_bucket') }} as hour_start
        from {{ claimed }} as claimed
        union
        select {{ analytics_bucket_sql(grain, "claimed.hour_bucket + interval '59:59.999999'") }}
        from {{ claimed }} as claimed
        {%- endif -%}
    {%- endset -%}
    select distinct
        {{ analytics_bucket_sql(grain, 'touched.hour_start') }} as bucket_start,
        least(
            (
                {{ analytics_bucket_sql(grain, 'touched.hour_start') }} at time zone '{{ tz }}'
                + interval '1 {{ g.unit }}'
            ) at time zone '{{ tz }}',
            (select w.window_end from {{ window_cte }} as w)
        ) as bucket_end
    from ({{ starts }}) as touched
    where touched.hour_start < (select w.window_start from {{ window_cte }} as w)
{%- endmacro %}
