{% test analytics_unique_combination(model, combination) %}
{#- NULL-safe uniqueness of a column combination: GROUP BY puts NULLs in one group, so two rows
    with a NULL label and otherwise equal keys fail this test (a plain unique test would not). -#}
select
    {{ combination | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ combination | join(', ') }}
having count(*) > 1
{% endtest %}
