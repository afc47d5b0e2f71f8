{% macro analytics_guarded_ddl(relation, needed_sql, statements, why, lock_timeout='2s') -%}
    {#- DDL on a table the application writes or reads (the raw table, the change log), run only
        when `needed_sql` (a boolean SQL expression) says something must change, and never queued
        behind an open application transaction for longer than `lock_timeout`: a lock request
        that waits queues every later writer behind it, so the application would wait too. When
        the lock is not granted in time the statement stops with a message naming the table,
        what the DDL was for (`why`) and the sessions holding it; nothing is changed.
        `statements`: the SQL statements, run in that order. A DO statement. -#}
    {%- set rel = relation.render() if relation is not string else relation -%}
do $guarded_ddl$
declare
    v_holders text;
begin
    if {{ needed_sql }} then
        perform set_config('lock_timeout', {{ analytics_sql_literal(lock_timeout) }}, true);
        begin
            {%- for statement in statements %}
            execute {{ analytics_sql_literal(statement) }};
            {%- endfor %}
        exception when lock_not_available then
            select string_agg(distinct held.pid::text, ', ') into v_holders
            from pg_locks as held
            where held.relation = to_regclass({{ analytics_sql_literal(rel) }})
                and held.granted and held.pid <> pg_backend_pid();
            raise exception using
                message = format('could not lock %s within %s to %s: sessions %s hold it',
                    {{ analytics_sql_literal(rel) }},
                    {{ analytics_sql_literal(lock_timeout) }},
                    {{ analytics_sql_literal(why) }}, coalesce(v_holders, '(gone)')),
                hint = 'Nothing was changed and the application did not wait. Run again once '
                    || 'their transactions have ended (pg_stat_activity shows them).',
                errcode = 'lock_not_available';
        end;
    end if;
end
$guarded_ddl$
{%- endmacro %}
