{% macro analytics_member_key(column, version=2) -%}
    {#- The 128-bit key a visitor or session id is known by in the member dictionary
        (analytics_ensure_member_ids), which gives it the id every set holds. NULL stays NULL.
        No table of the project holds a plaintext id.
        - version 2: two 64-bit hashes of the cleaned id's bytes (hashtextextended under the C
          collation, so a column's collation cannot change it) with two fixed seeds, as one
          uuid. PostgreSQL's hash_bytes_extended (lookup3), the hash of its hash partitions:
          the same on every little-endian platform (x86-64, ARM64) and release it has shipped
          in since 11; tests/python/oracle.py computes it independently and every test compares
          against it on 15 and 17. Two members of a project share a key with a probability
          under n^2 / 2^97: 6e-16 for 10 M members. 0.6 us a key against 1.9 us for md5,
          which PostgreSQL computes through OpenSSL (a context allocated per call).
        - version 1: md5 of the cleaned id as a uuid; the keys of a dictionary an older release
          filled (analytics_member_key_version). -#}
    {%- if version == 1 -%}
    md5({{ column }})::uuid
    {%- elif version == 2 -%}
    {#- (sqlfluff reads the collation's name as a column reference: RF03) #}
    encode(
        int8send(hashtextextended(({{ column }}) collate "C", 7640891576956012808))  -- noqa: RF03
        || int8send(hashtextextended(({{ column }}) collate "C", -4942790177534073029)),  -- noqa: RF03
        'hex'
    )::uuid
    {%- else -%}
        {{ exceptions.raise_compiler_error("analytics_member_key: version 1 or 2, got " ~ version) }}
    {%- endif -%}
{%- endmacro %}
