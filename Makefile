# `make demo` and `make test` work on a fresh machine with only python3.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: demo test test-long bench lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

# numba is optional: the demo and benchmarks show its times beside ember's when present.
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install -q -e '.[bench]' || echo "numba not installed: comparisons skipped"
	touch $(BENCH_STAMP)

demo: $(BENCH_STAMP)
	$(PY) -m ember demo

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest -q

test-long: $(STAMP)
	$(PY) -m pytest -q -m slow

bench: $(BENCH_STAMP)
	$(PY) benchmarks/run.py

lint: $(STAMP)
	$(PY) -m ruff check .

clean:
	rm -rf $(VENV) build src/*.egg-info
