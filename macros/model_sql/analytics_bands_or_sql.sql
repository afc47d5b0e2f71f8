{% macro analytics_bands_or_sql(bands_sql, keys=none) -%}
    {#- A query of one row, lo and bits, the union of the bands (analytics_key_aggregates) that
        `bands_sql` selects as its one column: each band padded with zeros to the lowest offset
        and the highest end of them all, then ORed (bit_or), in core C functions, no sort, no
        function of this project (so a SECURITY INVOKER dashboard function may inline it). No
        row when every band is empty. The one place a union of bands is written:
        analytics_bands_or and analytics_bands_count (the models' aggregates),
        analytics_kpi_totals and analytics_label_performance use it.
        With `keys` (column names): `bands_sql` selects those columns, then the band, and the
        query has one row per group of keys that has a non-empty band (NULL keys grouped
        together): the keys, lo and bits. A model's groups are then ORed in one statement (the
        offsets and ends of each group by a window) instead of one call of the aggregates'
        SQL final function per group: the week's 58,800 daily visitor bands of the benchmark
        into 8,400 weekly ones took 1.66 s that way. -#}
    {#- The OR of the bands, each shifted to the common offset by zeros on its left and padded
        to the common end on its right, both by the core length coercion of bit ("bit"(b, n,
        true) pads with zeros in C; a zero string cut from a text of '0's was ten times
        slower): written once for both forms, which name the part and the span differently -#}
    {%- set part = 'spanned' if keys else 'parts' -%}
    {%- set span_lo = 'spanned.span_lo' if keys else 'span.lo' -%}
    {%- set span_length = '(spanned.span_hi - spanned.span_lo)::integer' if keys
        else '(span.hi - span.lo)::integer' -%}
    {#- where a band ends, in bigint: a band that ends at id 2^31 - 1 ends at 2^31 -#}
    {%- set band_end = 'parts.lo::bigint + pg_catalog.length(parts.bits)' -%}
    {%- set bits_or -%}
bit_or(
    pg_catalog."bit"(
        pg_catalog."bit"(B'', {{ part }}.lo - {{ span_lo }}, true) || {{ part }}.bits,
        {{ span_length }},
        true
    )
)::bit varying
    {%- endset -%}
    {%- if keys %}
{#- (one query of subqueries, no WITH: it stands inside a model's CTE) -#}
select
    {%- for key in keys %}
    spanned.{{ key }},
    {%- endfor %}
    spanned.span_lo as lo,
    {{ bits_or | indent(4) }} as bits
from (
    select
        parts.*,
        min(parts.lo) over by_keys as span_lo,
        max({{ band_end }}) over by_keys as span_hi
    from (
        select
            {%- for key in keys %}
            bands.{{ key }},
            {%- endfor %}
            substring(bands.band from 1 for 32)::bit(32)::integer as lo,
            substring(bands.band from 33) as bits
        from ({{ bands_sql }}) as bands ({{ (keys + ['band']) | join(', ') }})
        where pg_catalog.length(bands.band) > 32
    ) as parts
    window by_keys as (partition by {{ keys | join(', ') }})
) as spanned
group by
    {%- for key in keys %}
    spanned.{{ key }},
    {%- endfor %}
    spanned.span_lo,
    spanned.span_hi
    {%- else %}
    with parts as (
        select
            substring(bands.band from 1 for 32)::bit(32)::integer as lo,
            substring(bands.band from 33) as bits
        from ({{ bands_sql }}) as bands (band)
        where pg_catalog.length(bands.band) > 32
    ),
    span as (
        select min(parts.lo) as lo, max({{ band_end }}) as hi
        from parts
    )
    select
        span.lo,
        {{ bits_or | indent(8) }} as bits
    from parts cross join span
    group by span.lo
    {%- endif %}
{%- endmacro %}
