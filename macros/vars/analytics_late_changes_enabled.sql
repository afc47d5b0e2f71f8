{% macro analytics_late_changes_enabled() -%}
    {#- var track_late_changes (default false): mark the hours that every INSERT, UPDATE or
        DELETE on the raw table touches, so the next run re-aggregates them at any lateness. -#}
    {{ return(var('track_late_changes') in (true, 'true', 'True', 1, '1')) }}
{%- endmacro %}
