{% test analytics_not_blank(model, column_name) %}
{#- Fails for every value that is empty or only whitespace (NULL passes). -#}
select {{ column_name }}
from {{ model }}
where {{ column_name }} ~ '^[[:space:]]*$'
{% endtest %}
