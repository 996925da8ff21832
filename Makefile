# Two commands are all a fresh machine needs: `make demo` grades the bundled examples of every assignment
# into a gradebook and report, `make test` runs the checks and the test suite. Both create the virtualenv
# (.venv) from pyproject.toml and constraints.txt when needed. The others: `make audit` (every assignment's
# hidden tests proven), `make gradescope` (the zips), `make bench` (the speed figures), `make lint`.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out/demo
ASSIGNMENTS = $$($(BIN)/autograder list)

.PHONY: setup demo test lint clean audit gradescope bench

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (Python 3.11 is required)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

# One run grades every assignment's examples (examples/<assignment>/): one sandbox host, one set of workers.
demo: $(STAMP)
	$(BIN)/autograder grade examples --all --out $(OUT) --no-progress
	@echo "Results: $(OUT)/<assignment>/grades.csv, report.html, gradebook.sqlite and <submission>/results.json"

# The layers (import-linter contracts in pyproject.toml), lint and types, then the suite.
lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check autograder tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) out

# `make audit`: `autograder audit` for every assignment (reference under AUDIT_RUNS seeds, untouched
# notebook, mutants, alternatives, clause table); reports in out/audit/<assignment>/audit.html.
AUDIT_RUNS ?= 20
audit: $(STAMP)
	@status=0; for a in $(ASSIGNMENTS); do \
		$(BIN)/autograder audit $$a --runs $(AUDIT_RUNS) --out out/audit/$$a || status=1; \
	done; exit $$status

# `make gradescope`: dist/<assignment>-autograder.zip (upload to Gradescope) and dist/<assignment>-student.zip.
gradescope: $(STAMP)
	@for a in $(ASSIGNMENTS); do \
		$(BIN)/autograder package $$a --out dist || exit 1; \
	done

# `make bench`: generate a class of notebooks, grade it with `autograder grade` and with an equivalent
# `otter run` loop, then 300 submissions of three assignments; report in bench/results/latest.txt.
# BENCH_ARGS=--quick for a short try (N=20).
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)
