{% macro analytics_track_late_changes() -%}
    {#- `dbt run-operation analytics_track_late_changes --vars '{track_late_changes: true}'`
        installs the change tracking without a run (false removes the triggers). -#}
    {%- do run_query(analytics_sync_late_change_tracking()) -%}
    {%- do log('late-change tracking is ' ~ ('on' if analytics_late_changes_enabled() else 'off'),
        info=true) -%}
{%- endmacro %}
