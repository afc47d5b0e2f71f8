{% macro analytics_member_ids_ctes(run, events='windowed_events') -%}
    {#- The slices' CTEs after the CTE named by `events` (the window's events to slice), ending
        with a comma: `event_members`, those events with their members' keys
        (visitor_member_key, session_member_key), and `member_ids`, one row per project, kind
        ('v', 's') and member key of those events with its id in the member dictionary
        (analytics_ensure_member_ids, keyed by the project and kind's member space,
        analytics_member_space, and the member key). A key the dictionary does not hold yet is
        numbered here, after the project and kind's last id, in order of its first event in the
        window (then by key), and inserted into the dictionary and its counter by the same
        statement (a project and kind new to the counters with its space, which must be no other
        project's: their unique key): one snapshot, so an event committed while the run reads
        cannot be counted without an id, and the dictionary, the counters and the slices change
        together or not at all. Runs hold the schema's lock (analytics_lock_sql), so no two
        number at once.
        A unit test (the model inside a subquery, where a data-modifying CTE may not stand)
        reads the dictionary and numbers the new keys without writing them. -#}
    {%- set ids = analytics_relation('analytics_member_ids', run.target.schema
        if run.target is not string else none) -%}
    {%- set counters = analytics_relation('analytics_member_counters', run.target.schema
        if run.target is not string else none) -%}
    {%- set key_version = analytics_member_key_version(ids).version -%}
    {%- set persist = not (model is defined and model.resource_type == 'unit_test') -%}
event_members as (

    -- each event of the window with its members' keys, computed once
    select
        {{ events }}.*,
        {{ analytics_member_key(events ~ '.visitor_id', key_version) | indent(8) }}
            as visitor_member_key,
        {{ analytics_member_key(events ~ '.session_id', key_version) | indent(8) }}
            as session_member_key
    from {{ events }}

),

seen_members as (

    -- each member key of the window once, with its first event and its space (the
    -- dictionary's key is the space and the member key)
    select
        members.project_id,
        members.kind,
        {{ analytics_member_space('members.project_id', 'members.kind') | indent(8) }}
            as member_space,
        members.member_key,
        min(members.created_at) as first_seen
    from (
        select
            event_members.project_id,
            'v'::"char" as kind,
            event_members.visitor_member_key as member_key,
            event_members.created_at
        from event_members
        where event_members.visitor_member_key is not null
        union all
        select
            event_members.project_id,
            's'::"char" as kind,
            event_members.session_member_key as member_key,
            event_members.created_at
        from event_members
        where event_members.session_member_key is not null
    ) as members
    group by members.project_id, members.kind, members.member_key
    {%- if run.incremental %}
    -- probed in the key index's order, so neighbouring probes share its pages (a cold
    -- dictionary is read page after page, not at random). Not on a first build: its millions
    -- of keys are hashed against the dictionary, not probed (the sort cost 3.4 s of 64 for
    -- 3 M events)
    order by member_space, member_key
    {%- endif %}

),

looked_up_members as (

    -- one probe of the dictionary's key index per member (it holds the id); no id: a new key
    select
        seen_members.project_id,
        seen_members.kind,
        seen_members.member_space,
        seen_members.member_key,
        seen_members.first_seen,
        member_ids.member_id
    from seen_members
    left join {{ ids }} as member_ids
        on
            seen_members.member_space = member_ids.member_space
            and seen_members.member_key = member_ids.member_key

),

new_members as (

    -- numbered after the project and kind's last id, in order of first appearance; the last
    -- id rides along as one more row of each (project, kind) that has new keys (sorted after
    -- them: no first_seen), so the counters are probed once per (project, kind), not once per
    -- new key
    select
        numbered.project_id,
        numbered.kind,
        numbered.member_space,
        numbered.member_key,
        numbered.member_id
    from (
        select
            candidates.project_id,
            candidates.kind,
            candidates.member_space,
            candidates.member_key,
            (
                coalesce(max(candidates.last_id) over (
                    partition by candidates.project_id, candidates.kind
                ), 0)
                + row_number() over (
                    partition by candidates.project_id, candidates.kind
                    order by candidates.first_seen, candidates.member_key
                )
            )::integer as member_id
        from (
            select
                looked_up_members.project_id,
                looked_up_members.kind,
                looked_up_members.member_space,
                looked_up_members.member_key,
                looked_up_members.first_seen,
                null::integer as last_id
            from looked_up_members
            where looked_up_members.member_id is null
            union all
            select
                counters.project_id,
                counters.kind,
                null as member_space,
                null as member_key,
                null as first_seen,
                counters.last_id
            from (
                select distinct
                    looked_up_members.project_id,
                    looked_up_members.kind
                from looked_up_members
                where looked_up_members.member_id is null
            ) as new_kinds
            inner join {{ counters }} as counters
                on
                    new_kinds.project_id = counters.project_id
                    and new_kinds.kind = counters.kind
        ) as candidates
    ) as numbered
    where numbered.member_key is not null

),
{%- if persist %}

added_members as (

    -- in the primary key's order: a first build's millions of new keys fill the index page
    -- after page instead of splitting pages all over it
    insert into {{ ids }} (member_space, member_key, member_id)
    select
        new_members.member_space,
        new_members.member_key,
        new_members.member_id
    from new_members
    order by new_members.member_space, new_members.member_key
    returning 1

),

counted_members as (

    insert into {{ counters }} as counters (project_id, kind, member_space, last_id)
    select
        new_members.project_id,
        new_members.kind,
        min(new_members.member_space) as member_space,
        max(new_members.member_id) as last_id
    from new_members
    group by new_members.project_id, new_members.kind
    on conflict (project_id, kind) do update set last_id = excluded.last_id
    returning 1

),
{%- endif %}

member_ids as (

    select
        looked_up_members.project_id,
        looked_up_members.kind,
        looked_up_members.member_key,
        looked_up_members.member_id
    from looked_up_members
    where looked_up_members.member_id is not null
    union all
    select
        new_members.project_id,
        new_members.kind,
        new_members.member_key,
        new_members.member_id
    from new_members

),
{%- endmacro %}
