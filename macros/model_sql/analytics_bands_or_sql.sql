{% macro analytics_bands_or_sql(bands_sql) -%}
    {#- A query of one row, lo and bits, the union of the bands (analytics_key_aggregates) that
        `bands_sql` selects as its one column: each band padded with zeros to the lowest offset
        and the highest end of them all (cut from one zero string), then ORed (bit_or), in core
        C functions, no sort, no function of this project (so a SECURITY INVOKER dashboard
        function may inline it). No row when every band is empty. The one place a union of bands
        is written: analytics_bands_or and analytics_bands_count (the models' aggregates),
        analytics_kpi_totals and analytics_label_performance use it. -#}
    with parts as (
        select
            substring(bands.band from 1 for 32)::bit(32)::integer as lo,
            substring(bands.band from 33) as bits
        from ({{ bands_sql }}) as bands (band)
        where pg_catalog.length(bands.band) > 32
    ),
    span as (
        select min(parts.lo) as lo, max(parts.lo + pg_catalog.length(parts.bits)) as hi
        from parts
    ),
    -- materialized: made once, not once per band (inlined, repeat() and the cast of a string
    -- as wide as the union ran for every row: 200 ms for a month of session bands)
    zeros as materialized (
        select pg_catalog.repeat('0', span.hi - span.lo)::bit varying as z
        from span
    )
    select
        span.lo,
        bit_or(
            substring(zeros.z from 1 for parts.lo - span.lo)
            || parts.bits
            || substring(zeros.z from 1 for span.hi - parts.lo - pg_catalog.length(parts.bits))
        ) as bits
    from parts cross join span cross join zeros
    group by span.lo
{%- endmacro %}
