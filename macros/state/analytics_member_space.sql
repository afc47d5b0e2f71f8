{% macro analytics_member_space(project, kind) -%}
    {#- The member space of a project and kind (the SQL expressions `project`, the project id,
        and `kind`, 'v' or 's'): the bigint the member dictionary (analytics_ensure_member_ids)
        is keyed by with the member key, instead of the project's text and the kind: a probe
        compares two fixed-size columns, not a text (the dictionary's probes and inserts of an
        hour's members a third faster, and a UUID-text project id 33 bytes shorter in every
        row and index entry). A seeded hashtextextended of the project id's bytes (the C
        collation), a seed per kind (the fractional bits of sqrt(5) for visitors, of sqrt(7) for
        sessions): the same on every little-endian platform and release since 11 (as
        analytics_member_key; tests/python/oracle.py computes it independently). Two projects of one kind sharing a space stop the
        run with an error before any id is given (the counters' unique space index), never a
        member given another project's id: with a million projects, odds of 3e-8. -#}
    {#- (sqlfluff reads the collation's name as a column reference: RF03) #}
    hashtextextended(
        ({{ project }}) collate "C",  -- noqa: RF03
        case ({{ kind }}) when 'v' then 4354685564936845355 else -6534734903238641935 end
    )
{%- endmacro %}
