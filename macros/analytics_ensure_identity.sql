{% macro analytics_ensure_identity(column='id') -%}
    {#- Post-hook: turn the model's surrogate `id` into GENERATED ALWAYS AS IDENTITY with a
        primary key, continuing after the ids the first build numbered. Idempotent. -#}
    {%- set rel = this.render() -%}
    do $analytics$
    begin
        if not exists (
            select from pg_attribute
            where attrelid = '{{ rel }}'::regclass and attname = '{{ column }}' and attidentity = 'a'
        ) then
            alter table {{ rel }} alter column {{ column }} set not null;
            alter table {{ rel }} alter column {{ column }} add generated always as identity;
            perform setval(
                pg_get_serial_sequence('{{ rel }}', '{{ column }}'),
                coalesce((select max({{ column }}) from {{ rel }}), 0) + 1,
                false
            );
        end if;
    end
    $analytics$;
    {{ analytics_ensure_index(this.identifier ~ '_pkey', 'primary key (' ~ column ~ ')', constraint=true) }}
{%- endmacro %}
