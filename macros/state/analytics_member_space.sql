{% macro analytics_member_space(project, kind) -%}
    {#- The member space of a project and kind (the SQL expressions `project`, the project id,
        and `kind`, 'v' or 's'): the bigint the member dictionary (analytics_ensure_member_ids)
        is keyed by with the member key, instead of the project's text and the kind: two
        fixed-size key columns whatever the project ids look like (with UUID-text ids the
        dictionary a third smaller; with short ids the same size; no run measurably faster). A
        seeded hashtextextended of the project id's bytes (the C collation), a seed per kind
        (the fractional bits of sqrt(5) for visitors, of sqrt(7) for sessions): the same on
        every little-endian platform and release since 11 (as analytics_member_key;
        tests/python/oracle.py computes it independently). A run that would number the members
        of a second project of one kind in a space stops with the counters' unique key error
        (odds of two spaces alike: 3e-8 with a million projects); a second project all of whose
        members the first already holds is not caught, at far smaller odds. -#}
    {#- (sqlfluff reads the collation's name as a column reference: RF03) #}
    hashtextextended(
        ({{ project }}) collate "C",  -- noqa: RF03
        case ({{ kind }}) when 'v' then 4354685564936845355 else -6534734903238641935 end
    )
{%- endmacro %}
