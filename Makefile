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
