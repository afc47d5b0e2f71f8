{% test analytics_band(model, column_name) %}
{#- A member set stored as a band (analytics_key_aggregates) is well formed and canonical, so
    equal sets are equal bands (the replace strategy compares them): never NULL; 32 bits of
    offset, a multiple of 8, then whole bytes; the empty set is the offset 0 alone; otherwise
    the first and the last byte each hold a member, and id 0 (ids start at 1) is never one. Fails
    on every row where it is not. -#}
select *
from {{ model }}
where
    {{ column_name }} is null
    or length({{ column_name }}) < 32
    or length({{ column_name }}) % 8 <> 0
    or substring({{ column_name }} from 1 for 32)::bit(32)::integer % 8 <> 0
    or substring({{ column_name }} from 1 for 32)::bit(32)::integer < 0
    or (length({{ column_name }}) = 32 and {{ column_name }} <> 0::bit(32))
    or (
        length({{ column_name }}) > 32
        and (
            bit_count(substring({{ column_name }} from 33 for 8)) = 0
            or bit_count(substring({{ column_name }} from length({{ column_name }}) - 7)) = 0
            or substring({{ column_name }} from 1 for 33) = B'000000000000000000000000000000001'
        )
    )
{% endtest %}
