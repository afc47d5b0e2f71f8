{% test analytics_sorted_set(model, column_name, nullable=false) %}
{#- A member set of sorted ids is a strictly increasing array: sorted, de-duplicated, no NULL
    element, never NULL itself (an empty set is '{}') unless `nullable` (a settled part).
    Fails on every row where it is not. -#}
select *
from {{ model }}
where
    {{ 'false' if nullable else column_name ~ ' is null' }}
    or array_position({{ column_name }}, null) is not null
    or exists (
        select
        from generate_subscripts({{ column_name }}, 1) as i
        where i > 1 and {{ column_name }}[i - 1] >= {{ column_name }}[i]
    )
{% endtest %}
