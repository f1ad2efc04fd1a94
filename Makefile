# Two commands matter (see README): `make demo` and `make test`. Each creates .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-deep lint docs bench clean

# An editable install leaves out the man pages (PEP 660 makes only the code editable), so
# VENV/man points at the checkout's own: man finds it from VENV/bin on PATH.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,sandbox,dev]'
	ln -sfn $(CURDIR)/man $(VENV)/man
	touch $(STAMP)

# The getting-started walkthrough, against a local IAM sandbox started and stopped on the spot.
demo: $(STAMP)
	rm -rf demo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/euare-sandbox demo --enforce-auth -- \
		bash examples/getting-started.sh

# In parallel: each pytest-xdist worker starts its own moto server (TEST_JOBS=0 runs serially).
# Property tests run hypothesis's bounded "fast" profile (tests/conftest.py). The end-to-end
# calls go through the warm worker, but for the tests marked `in_process` (start-up, signals,
# streams, terminals, cron), which run in process as a user's calls do by default; the tests
# marked `both`, every verb family among them, run once each way (tests/support/passes.py).
TEST_JOBS ?= 4
test: $(STAMP)
	EUARE_TEST_CALLS=mixed $(BIN)/python -m pytest -rs -n $(TEST_JOBS) --dist worksteal

# The same, deeper (for CI to run on its own, not in make test): the "deep" hypothesis profile,
# every test in process, then every end-to-end test through the worker.
test-deep: $(STAMP)
	EUARE_TEST_CALLS=in-process HYPOTHESIS_PROFILE=deep $(BIN)/python -m pytest -rs \
		-n $(TEST_JOBS) --dist worksteal
	EUARE_TEST_CALLS=worker HYPOTHESIS_PROFILE=deep $(BIN)/python -m pytest -rs \
		-n $(TEST_JOBS) --dist worksteal tests/e2e

# ruff, mypy, and the import-linter contracts of pyproject.toml (the layers of src/euare, no
# circles, independent verb families), which see imports inside functions too.
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# Regenerate pyproject's console scripts, the README verb list, docs/cli-reference.md and the
# man pages (man/man1/).
docs: $(STAMP)
	$(BIN)/python -m euare.manual

# Timings against a local IAM endpoint, printed as markdown tables (docs/performance.md says what
# they mean). The AWS CLI pins its own botocore, so when none is on PATH it goes into a venv of
# its own. BENCH_ARGS=--quick for fewer rounds; see .venv/bin/python bench/run.py --help.
BENCH_VENV ?= .venv-bench
BENCH_ARGS ?=
$(BENCH_VENV)/.installed:
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet awscli
	touch $@

bench: $(STAMP)
	@aws --version >/dev/null 2>&1 || $(MAKE) --no-print-directory $(BENCH_VENV)/.installed
	@$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(BENCH_VENV) demo build *.egg-info src/*.egg-info
