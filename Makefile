# Set-up and everyday targets. Only python3 (3.11 or newer) must be installed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test lint bench serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## site: install badgesite into .venv and build output/ from the shipped content
site: $(STAMP)
	$(BIN)/badgesite build

## test: install everything the tests need, then run them all
test: $(STAMP)
	tests/validator/setup_venv.sh
	tests/setup_browser.sh
	$(BIN)/python -c 'import sys; sys.path.insert(0, "tests"); \
		import browser_harness; browser_harness.axe_source()'
	$(BIN)/pytest -q

## bench: compare build time and memory for 100 and 1,000 awards
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py

## serve: build for http://127.0.0.1:8000/, serve it and rebuild on changes
serve: $(STAMP)
	$(BIN)/badgesite serve

lint: $(STAMP)
	$(BIN)/ruff check generator tests
	$(BIN)/ruff format --check generator tests

clean:
	rm -rf output $(VENV) .venv-validator
