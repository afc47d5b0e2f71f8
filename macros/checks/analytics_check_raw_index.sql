{% macro analytics_check_raw_index() -%}
    {#- on-run-start: an incremental window is only cheap if analytics_events has an index whose
        first column is created_at and whose operator family can search a range of it (< and >=:
        btree, BRIN, GiST; not hash, which only finds equal values); without it every hourly run
        reads the whole history. A partial or not yet valid index does not count. Stops
        the run with the exact statement to run (CONCURRENTLY, so the app keeps writing), unless
        var require_raw_created_at_index is false. -#}
    {%- if not var('require_raw_created_at_index') or flags.WHICH not in ('run', 'build') -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set raw = source('app', 'analytics_events') -%}
do $check$
begin
    if to_regclass({{ analytics_sql_literal(raw) }}) is null then
        raise exception 'the source table % does not exist (var source_schema?)', {{ analytics_sql_literal(raw) }};
    end if;
    if not exists (
        select from pg_index as ix
        inner join pg_attribute as att
            on att.attrelid = ix.indrelid and att.attnum = ix.indkey[0]
        inner join pg_opclass as opclass on opclass.oid = ix.indclass[0]
        where ix.indrelid = {{ analytics_sql_literal(raw) }}::regclass and att.attname = 'created_at'
            and ix.indisvalid and ix.indpred is null
            and (
                select count(distinct range_operator.oprname)
                from pg_amop as amop
                inner join pg_operator as range_operator on range_operator.oid = amop.amopopr
                where amop.amopfamily = opclass.opcfamily and amop.amoppurpose = 's'
                    and range_operator.oprname in ('<', '>=')
                    and range_operator.oprleft = att.atttypid
                    and range_operator.oprright = att.atttypid
            ) = 2
    ) then
        raise exception 'analytics_events has no index starting with created_at that can scan a '
            'range of it (a hash index cannot), so every run '
            'would read the whole table. Create it once (it does not block writes): '
            'create index concurrently analytics_events_created_at_idx on % (created_at); '
            '-- or set var require_raw_created_at_index: false to run without it',
            {{ analytics_sql_literal(raw) }};
    end if;
end
$check$
{%- endmacro %}
