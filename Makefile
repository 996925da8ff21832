# Two commands: `make demo` grades the bundled examples, `make test` runs the test suite.
# Both create the virtualenv (.venv) from pyproject.toml and constraints.txt when needed.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out/demo

.PHONY: setup demo test clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (Python 3.11 is required)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e .
	@touch $(STAMP)

demo: $(STAMP)
	@for a in text_generation style_transfer autoencoders; do \
		$(BIN)/autograder grade examples/$$a --assignment $$a --out $(OUT)/$$a || exit 1; \
	done
	@echo "Results: $(OUT)/<assignment>/grades.csv and $(OUT)/<assignment>/<submission>/results.json"

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) out

# `make audit`: `autograder audit` for every assignment (reference under AUDIT_RUNS seeds, untouched
# notebook, mutants, alternatives); reports in out/audit/<assignment>/audit.html; fails if any audit fails.
AUDIT_RUNS ?= 20
.PHONY: audit
audit: $(STAMP)
	@status=0; for a in text_generation style_transfer autoencoders; do \
		$(BIN)/autograder audit $$a --runs $(AUDIT_RUNS) --out out/audit/$$a || status=1; \
	done; exit $$status

# `make gradescope`: dist/<assignment>-autograder.zip (upload to Gradescope) and dist/<assignment>-student.zip.
.PHONY: gradescope
gradescope: $(STAMP)
	@for a in text_generation style_transfer autoencoders; do \
		$(BIN)/autograder package $$a --out dist || exit 1; \
	done

# `make bench`: generate a class of notebooks, grade it with `autograder grade` and with an equivalent
# `otter run` loop, then 300 submissions of all three assignments; report in bench/results/latest.txt.
# BENCH_ARGS=--quick for a short try (N=20).
BENCH_ARGS ?=
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)
