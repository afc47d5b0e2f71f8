{% test analytics_equal_rows(model, compare_model, compare_columns) %}
{#- The model holds exactly the rows of compare_model on compare_columns, duplicates included.
    EXCEPT ALL compares NULLs as equal, so NULL labels are checked too. -#}
{%- set cols = compare_columns | join(', ') -%}
with missing as (
    select 'missing from model' as problem, {{ cols }} from {{ compare_model }}
    except all
    select 'missing from model', {{ cols }} from {{ model }}
),

unexpected as (
    select 'not expected' as problem, {{ cols }} from {{ model }}
    except all
    select 'not expected', {{ cols }} from {{ compare_model }}
)

select * from missing
union all
select * from unexpected
{% endtest %}
