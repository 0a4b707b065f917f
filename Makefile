# Two entry points: `make run` (dashboard on the bundled data) and `make test` (whole suite).
# Both create .venv from requirements.lock (exact versions, hash-checked) when it is missing, or when
# pyproject.toml or requirements.lock changed since the last install. `make lock` refreshes the lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
PORT ?= 8501
# Loopback by default (as in .streamlit/config.toml); `make run HOST=0.0.0.0` only behind a proxy you control.
HOST ?= 127.0.0.1

.PHONY: run test load-test lint bench lock clean

$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m streamlit run app.py --server.address $(HOST) --server.port $(PORT) --browser.gatherUsageStats false

# pytest's own exit codes fail the target, including 5 ("no tests collected").
test: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest

# The browser load test (20 sessions, then 200 page loads; several minutes): kept out of `make test`.
load-test: $(STAMP)
	$(BIN)/python -m pytest -m load

lint: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .

# Both benchmarks always run (a miss in the first does not hide the second); the target fails if either missed.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_parse.py; parse=$$?; \
	$(BIN)/python benchmarks/bench_pages.py; pages=$$?; \
	test $$parse -eq 0 && test $$pages -eq 0

# Re-resolve every dependency (pyproject.toml, with the test extra) to exact versions with hashes.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 --upgrade -o $(LOCK)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts
