{% test analytics_unique_combination(model, combination=none) %}
{#- NULL-safe uniqueness of a column combination, by default the model's grain
    (analytics_model_spec: unique): GROUP BY puts NULLs in one group, so two rows with a NULL
    label and otherwise equal keys fail this test (a plain unique test would not). -#}
{#- (at parse time `model` is not the tested relation yet; the SQL is not run then) -#}
{%- if combination is none -%}
    {%- set combination = analytics_model_spec(model.identifier).unique if execute else ['1'] -%}
{%- endif -%}
select
    {{ combination | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ combination | join(', ') }}
having count(*) > 1
{% endtest %}
