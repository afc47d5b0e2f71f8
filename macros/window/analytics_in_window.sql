{% macro analytics_in_window(run, column) -%}
    {#- The WHERE condition of a model's import CTE `source_sets` (a finer set table): its rows
        whose bucket `column` lies in the run's window, or, with late-change tracking, nests in
        one of the extra buckets; and, when that table has hours, never an hour at or after the
        window's end (an older as_of than a previous run's). Needs analytics_window_ctes.
        The buckets read (`column`: <grain>_bucket) must nest in the model's: a UTC hour in a
        day of the rollup zone only where every day since 2000 starts on a UTC hour (not in
        Asia/Kolkata, whose days start at :30: a straddling hour would count in one day
        only), a UTC day in a zone's day never unless the zone is UTC, a week in a month never;
        anything else stops the run by name rather than count wrongly. -#}
    {%- set spec = run.spec -%}
    {%- set up_spec = analytics_model_spec(spec.upstream.model) -%}
    {%- set read = column.split('.')[-1] -%}
    {%- if execute and read not in up_spec.unique -%}
        {{ exceptions.raise_compiler_error("analytics_in_window: model '" ~ run.name ~ "' reads "
            ~ spec.upstream.model ~ ", which has no grain column " ~ column) }}
    {%- endif -%}
    {%- if execute and read.endswith('_bucket') and read[:-7] in analytics_grain() -%}
        {%- set source = analytics_grain(read[:-7]) -%}
        {%- set own = analytics_grain(spec.grain) -%}
        {%- set nests_in = {'hour': none, 'day': ['day', 'week', 'month', 'quarter', 'year'],
            'month': ['month', 'quarter', 'year'], 'quarter': ['quarter', 'year']} -%}
        {%- set units = nests_in.get(source.unit, [source.unit]) -%}
        {%- set aligned = namespace(ok=source.tz == own.tz) -%}
        {%- if not aligned.ok and source.unit == 'hour' -%}
            {#- every UTC offset of the zone since 2000 a whole number of hours (weekly probes) -#}
            {%- set zone = modules.pytz.timezone(own.tz) -%}
            {%- set since = modules.datetime.datetime(2000, 1, 1, tzinfo=modules.pytz.utc) -%}
            {%- set aligned.ok = true -%}
            {%- for week in range(1600) if aligned.ok -%}
                {%- set offset = (since + modules.datetime.timedelta(days=7 * week))
                    .astimezone(zone).utcoffset() -%}
                {%- set aligned.ok = offset.total_seconds() % 3600 == 0 -%}
            {%- endfor -%}
        {%- endif -%}
        {%- if not aligned.ok or (units is not none and own.unit not in units) -%}
            {{ exceptions.raise_compiler_error("analytics_in_window: model '" ~ run.name
                ~ "' reads " ~ read ~ " of " ~ spec.upstream.model ~ " (" ~ source.unit
                ~ "s in " ~ source.tz ~ "), which do not nest in its " ~ own.unit ~ "s in "
                ~ own.tz ~ ": a bucket would count what lies outside it; read a table of finer "
                ~ "buckets of the same zone (the daily sets' day_bucket, or the slices')") }}
        {%- endif -%}
    {%- endif -%}
(
            {{ column }} >= (select w.window_start from run_window as w)
            and {{ column }} < (select w.window_end from run_window as w)
            {%- if run.claimed %}
            or {{ analytics_bucket_sql(spec.grain, column) }} in (select e.bucket_start from extra_buckets as e)
            {%- endif %}
        )
        {%- if up_spec.grain == 'hour' %}
        -- an older as_of than a previous run's: never the hours after it
        and source_sets.hour_bucket < (select w.window_end from run_window as w)
        {%- endif %}
{%- endmacro %}
