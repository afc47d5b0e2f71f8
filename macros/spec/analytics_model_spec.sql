{% macro analytics_model_spec(model_name, declared=none) -%}
    {#- What the strategy, the hooks, the tests and the refresh function know of a maintained
        model, read from the one place it is declared: the dict at the top of the model file,
        `analytics`, which the file gives to config(meta={'analytics': analytics}) (so the
        project's graph has it) and to analytics_run_context (`declared`: a unit test has no graph).
        A model is maintained when it declares:
        - grain: hour, utc_day, day (rollup time zone), week (ISO, rollup time zone) or another
          grain declared in analytics_grain; its bucket column is <grain>_bucket;
        - build: event_sets (the slices, the only model that reads the raw events), sets (the
          union of a finer set table's sets into coarser buckets or fewer dimensions), counts
          (event counts and exact distinct counts of such a union);
        - unique: its grain, one row per these columns in this order: the named constraint
          <model>_grain_key and the uniqueness test are made from it;
        - nullable_keys (optional): the unique columns that may be NULL, matched NULL-safely
          (`unique nulls not distinct`);
        - surrogate_id (optional): the hourly table's id, generated always as identity;
        - kept_for (optional): a table that keeps only the buckets that can still change lists the
          models it is kept for, the ones reading it: their windows are kept complete in it
          (analytics_window_sql widens its own window to them; analytics_prune_kept_sets never
          drops a bucket they still need; analytics_restore_kept_sets_hook brings pruned ones
          back for their first build);
        - closed_buckets (optional, a day or week grain): the table holds buckets that have
          ended only: a run rebuilds none at or after the start of the bucket holding as_of
          (analytics_window_sql), and a row of a bucket that had not ended when the table was
          last refreshed is deleted (analytics_replace_buckets_sql). Its readers take the
          finer rows of a bucket that has no row.
        - members (optional, a build 'sets' model): the member sets it keeps, ['visitor'],
          ['session'] or both (the default, in that order): <member>_keys. Each must be in the
          table it reads; a counts model reads a table that keeps both.
        - settled (optional, a build 'sets' model of a day grain that reads the hourly slices):
          an open day's row also keeps the union of its hours that the lookback no longer
          rebuilds (analytics_settled_sets_ctes), so a run re-reads only the hours after them:
          the measures settled_through, settled_event_count and recent_<member>_keys.
        The slices (build event_sets) also keep event_fingerprint, the sum of their events'
        hashes (analytics_event_fingerprint), by which a run finds the hours that changed; a
        model of hours made from them (hour_fingerprints, derived) records per hour the count
        and sum of the slices it was made from (analytics_hour_fingerprints), by which its
        window starts at the first hour whose slices changed.
        Derived here: bucket; key_columns (the unique columns but the bucket and the nullable
        ones, the slices' day_bucket last) and dimensions (the key and nullable columns but
        day_bucket), by which the strategy matches rows; measures and timestamps (from build);
        upstream (the maintained model it refs); zone_dependent (a day or week grain, or a
        day_bucket column). 'all' lists the maintained models in refresh order: hours, UTC
        days, days, weeks, and within a grain each after every model it reads. -#}
    {%- if not execute -%}
        {#- parsing: no graph yet; a model renders with a stand-in, its real spec at run time -#}
        {{ return([] if model_name == 'all' else {'name': model_name, 'grain': 'hour',
            'bucket': 'hour_bucket', 'build': 'sets', 'unique': [], 'key_columns': [],
            'nullable_keys': [], 'dimensions': [], 'measures': [], 'timestamps': false,
            'hour_fingerprints': false,
            'zone_dependent': false, 'closed_buckets': false, 'members': ['visitor', 'session'],
            'upstream': {'model': none}}) }}
    {%- endif -%}
    {%- set nodes = {} -%}
    {%- for node in (graph.nodes or {}).values() if node.resource_type == 'model'
        and node.package_name == project_name and 'analytics' in node.config.meta -%}
        {%- do nodes.update({node.name: node}) -%}
    {%- endfor -%}
    {%- if model_name == 'all' -%}
        {#- depth: 0 for a model that reads no maintained model, else one more than its upstream -#}
        {%- set depth = {} -%}
        {%- for _ in nodes -%}
            {%- for name, node in nodes.items() if name not in depth -%}
                {%- set ups = [] -%}
                {%- for id in node.depends_on.nodes if id.split('.')[-1] in nodes -%}
                    {%- do ups.append(id.split('.')[-1]) -%}
                {%- endfor -%}
                {%- set known_depths = [] -%}
                {%- for up in ups if up in depth -%}
                    {%- do known_depths.append(depth[up]) -%}
                {%- endfor -%}
                {%- if known_depths | length == ups | length -%}
                    {%- do depth.update({name: (known_depths | max) + 1 if ups else 0}) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- set grains = analytics_grain() -%}
        {%- set order = [] -%}
        {%- for name in nodes | sort -%}
            {%- do order.append((grains.get(nodes[name].config.meta.analytics.get('grain'),
                {'rank': grains | length}).rank,
                depth[name], name)) -%}
        {%- endfor -%}
        {%- set names = order | sort | map(attribute=2) | list -%}
        {#- (a coarser grain is never read by a finer one; should it be, refuse rather than
            refresh a model before what it reads) -#}
        {%- for name in names -%}
            {%- for id in nodes[name].depends_on.nodes if id.split('.')[-1] in nodes
                and names.index(id.split('.')[-1]) > names.index(name) -%}
                {{ exceptions.raise_compiler_error("analytics_model_spec: " ~ name ~ " reads "
                    ~ id.split('.')[-1] ~ ", a coarser grain") }}
            {%- endfor -%}
        {%- endfor -%}
        {{ return(names) }}
    {%- endif -%}
    {%- if model_name not in nodes and declared is none -%}
        {{ exceptions.raise_compiler_error("analytics_model_spec: '" ~ model_name
            ~ "' is not a maintained model (one whose config has meta.analytics); they are: "
            ~ (nodes.keys() | sort | join(', '))) }}
    {%- endif -%}
    {%- set declared = nodes[model_name].config.meta.analytics if declared is none else declared -%}
    {%- set known = ['grain', 'build', 'unique', 'nullable_keys', 'surrogate_id', 'kept_for',
        'closed_buckets', 'members', 'settled'] -%}
    {%- set grain = declared.get('grain') -%}
    {%- set build = declared.get('build') -%}
    {%- set unique = declared.get('unique') or [] -%}
    {%- set nullable = declared.get('nullable_keys') or [] -%}
    {%- set bucket = grain ~ '_bucket' -%}
    {%- set fail = "analytics_model_spec: model '" ~ model_name ~ "' (meta.analytics): " -%}
    {%- for key in declared if key not in known -%}
        {{ exceptions.raise_compiler_error(fail ~ "unknown key '" ~ key ~ "'; known: " ~ known | join(', ')) }}
    {%- endfor -%}
    {%- set grain_names = analytics_grain().keys() | list -%}
    {%- if grain not in grain_names -%}
        {{ exceptions.raise_compiler_error(fail ~ "grain must be " ~ grain_names[:-1] | join(', ')
            ~ " or " ~ grain_names[-1] ~ " (macros/spec/analytics_grain.sql), got " ~ grain) }}
    {%- endif -%}
    {%- if build not in ('event_sets', 'sets', 'counts') -%}
        {{ exceptions.raise_compiler_error(fail ~ "build must be event_sets, sets or counts, got " ~ build) }}
    {%- endif -%}
    {%- if bucket not in unique or nullable | reject('in', unique) | list
        or unique | unique | list | length != unique | length -%}
        {{ exceptions.raise_compiler_error(fail ~ "unique must list distinct columns including "
            ~ bucket ~ " and every nullable key, got " ~ unique ~ " and " ~ nullable) }}
    {%- endif -%}
    {%- if declared.get('closed_buckets', false) not in (true, false)
        or (declared.get('closed_buckets') and (grain == 'hour' or declared.get('kept_for'))) -%}
        {{ exceptions.raise_compiler_error(fail ~ "closed_buckets is true or false, and only for a "
            ~ "day or week grain (an hour is whole by construction) that is kept for no reader, got "
            ~ declared.get('closed_buckets') ~ " for grain " ~ grain) }}
    {%- endif -%}
    {%- set both = ['visitor', 'session'] -%}
    {%- set members = declared.get('members', both) -%}
    {%- if members is string or members is not iterable or members | length == 0
        or members | reject('in', both) | list or members != both | select('in', members) | list
        or (members != both and build != 'sets') -%}
        {{ exceptions.raise_compiler_error(fail ~ "members lists visitor, session or both, in "
            ~ "that order, and only a build 'sets' model keeps fewer than both, got "
            ~ members) }}
    {%- endif -%}
    {%- for name in declared.get('kept_for') or [] if nodes and name not in nodes -%}
        {{ exceptions.raise_compiler_error(fail ~ "kept_for '" ~ name ~ "', which is not a maintained model") }}
    {%- endfor -%}
    {%- set upstream = [] -%}
    {%- if model_name not in nodes and build != 'event_sets' -%}
        {{ exceptions.raise_compiler_error(fail ~ "its upstream is found in the project's graph, "
            ~ "which a unit test does not have: unit-test the slices (build event_sets) only") }}
    {%- endif -%}
    {%- set depends_on = nodes[model_name].depends_on.nodes if model_name in nodes else [] -%}
    {%- for id in depends_on if id.split('.')[-1] in nodes -%}
        {%- do upstream.append(id.split('.')[-1]) -%}
    {%- endfor -%}
    {%- if (build == 'event_sets') != (upstream | length == 0) or upstream | length > 1 -%}
        {{ exceptions.raise_compiler_error(fail ~ "a build '" ~ build ~ "' model reads "
            ~ ('no maintained model' if build == 'event_sets' else 'exactly one maintained model')
            ~ ", it refs " ~ (upstream | join(', ') or 'none')) }}
    {%- endif -%}
    {%- if upstream and nodes[upstream[0]].config.meta.analytics.get('closed_buckets')
        and not declared.get('closed_buckets') -%}
        {{ exceptions.raise_compiler_error(fail ~ "it reads " ~ upstream[0] ~ ", which keeps "
            ~ "the buckets that have ended only (closed_buckets): it would miss the open one; "
            ~ "read a finer table, or declare closed_buckets too") }}
    {%- endif -%}
    {%- set upstream_members = nodes[upstream[0]].config.meta.analytics.get('members', both)
        if upstream else both -%}
    {%- if members | reject('in', upstream_members) | list -%}
        {{ exceptions.raise_compiler_error(fail ~ "it needs " ~ members | join(' and ')
            ~ " sets, and " ~ upstream[0] ~ " keeps " ~ upstream_members | join(' and ')
            ~ " sets only (members)") }}
    {%- endif -%}
    {%- set settled = declared.get('settled', false) -%}
    {%- if settled not in (true, false) or (settled and (build != 'sets' or grain == 'hour'
        or declared.get('closed_buckets') or (upstream and nodes[upstream[0]].config.meta
            .analytics.get('build') != 'event_sets'))) -%}
        {{ exceptions.raise_compiler_error(fail ~ "settled is true or false, and only for a build "
            ~ "'sets' model coarser than an hour, of open buckets, that reads the slices (build "
            ~ "event_sets), got " ~ settled) }}
    {%- endif -%}
    {%- set key_columns = [] -%}
    {%- for column in unique if column not in (bucket, 'day_bucket') and column not in nullable -%}
        {%- do key_columns.append(column) -%}
    {%- endfor -%}
    {%- if 'day_bucket' in unique and bucket != 'day_bucket' -%}
        {%- do key_columns.append('day_bucket') -%}
    {%- endif -%}
    {%- set dimensions = [] -%}
    {%- for column in key_columns + nullable if column != 'day_bucket' -%}
        {%- do dimensions.append(column) -%}
    {%- endfor -%}
    {%- set sets = build in ('event_sets', 'sets') -%}
    {%- set member_columns = [] -%}
    {%- for member in members -%}
        {%- do member_columns.append(member ~ '_keys') -%}
    {%- endfor -%}
    {%- set settled_columns = [] -%}
    {%- for column in (['settled_through', 'settled_event_count'] + member_columns) if settled -%}
        {%- do settled_columns.append(column if column.startswith('settled_') else 'recent_' ~ column) -%}
    {%- endfor -%}
    {%- set spec = {
        'name': model_name,
        'grain': grain,
        'bucket': bucket,
        'build': build,
        'unique': unique,
        'key_columns': key_columns,
        'nullable_keys': nullable,
        'dimensions': dimensions,
        'measures': ['event_count'] + (member_columns if sets
            else ['unique_visitors', 'unique_sessions']) + settled_columns
            + (['event_fingerprint'] if build == 'event_sets' else []),
        'settled': settled,
        'hour_fingerprints': grain == 'hour' and build != 'event_sets'
            and nodes[upstream[0]].config.meta.analytics.get('build') == 'event_sets',
        'members': members | list,
        'timestamps': not sets,
        'surrogate_id': declared.get('surrogate_id', false),
        'closed_buckets': declared.get('closed_buckets', false),
        'upstream': {'model': upstream[0] if upstream else none},
        'zone_dependent': analytics_grain(grain).zone_dependent or 'day_bucket' in unique,
        'grain_constraint': ('unique nulls not distinct (' if nullable else 'unique (')
            ~ unique | join(', ') ~ ')',
    } -%}
    {%- if declared.get('kept_for') -%}
        {%- do spec.update({'kept_for': declared.kept_for}) -%}
    {%- endif -%}
    {{ return(spec) }}
{%- endmacro %}
