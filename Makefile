# Two commands do the whole set-up on a fresh Debian machine: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)
export DBT_PROFILES_DIR := $(CURDIR)/.dbt
WITH_DB := scripts/with_db.sh

help:
	@echo "make demo    set up everything, load a demo dataset, dbt build, print a summary"
	@echo "make test    set up everything, then every test (dbt on fixtures, pgTAP, pytest, bench smoke,"
	@echo "             sqlfluff, ruff) on PostgreSQL 15"
	@echo "make test-pg17  the dbt builds and pytest on PostgreSQL 17 (Supabase's newer major)"
	@echo "make bench   the performance benchmark (see README)"
	@echo "make clean   stop and delete the local cluster, target/ and logs/"

$(VENV)/.installed: pyproject.toml scripts/requirements.py
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) scripts/requirements.py > $(VENV)/requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check -r $(VENV)/requirements.txt
	@touch $@

.dbt/profiles.yml: profiles.example.yml
	@mkdir -p .dbt
	@cp profiles.example.yml $@

setup: $(VENV)/.installed .dbt/profiles.yml
	@$(WITH_DB) true

demo: setup
	$(WITH_DB) $(PY) scripts/demo.py

test: setup
	$(WITH_DB) scripts/run_tests.sh

# PostgreSQL 17 from the npm server build, in its own throwaway cluster (scripts/local_pg.sh);
# it has no pg_cron and no pgTAP: those tests skip there and run in `make test`.
test-pg17: setup
	PG_VERSION=17 $(WITH_DB) scripts/run_tests.sh --core

bench: setup
	$(WITH_DB) $(PY) scripts/bench.py $(BENCH_ARGS)

lint: setup
	$(WITH_DB) sqlfluff lint models macros tests
	ruff check scripts tests

clean:
	-scripts/local_pg.sh clean 15
	-scripts/local_pg.sh clean 17
	rm -rf target target-* logs logs-*

.PHONY: help setup demo test test-pg17 bench lint clean
