{% macro analytics_event_rules() -%}
    {#- The limits every raw row is checked against, in one place (README › Bad input):
        the staging view, the warning tests and the as_of checks read them from here. -#}
    {{ return({
        'max_key_bytes': 200,
        'max_label_bytes': 1000,
        'label_keep_chars': 200,
        'earliest_event_at': '2000-01-01T00:00:00Z',
        'clock_skew': "interval '5 minutes'",
        'clock_skew_seconds': 300,
    }) }}
{%- endmacro %}
