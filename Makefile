# The two commands a new user needs: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := $(PYTHON) -m uv
endif
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test test-slow install lint format check sample bench clean

run: install  ## build the bundled sample and serve the dashboard on http://127.0.0.1:8501
	$(UV) run outcomes demo

test: install  ## lint, format check and the whole test suite
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run pytest -n 2 --dist loadfile

install: .venv/.installed

.venv/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv \
		|| $(PYTHON) -m pip install --quiet --user uv \
		|| $(PYTHON) -m pip install --quiet --break-system-packages uv
	$(UV) sync --locked --all-extras
	@touch $@

test-slow: install  ## the large-sample recovery tests (minutes)
	$(UV) run pytest -m slow

bench: install  ## benchmarks at 10k, 100k, 1M episodes and the 300k ingest (long; docs/performance.md)
	$(UV) run python -m benchmarks
	$(UV) run python -m benchmarks --sizes 300k --only ingest

lint: install
	$(UV) run ruff check .

format: install
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

sample: install  ## regenerate the bundled sample (documented in docs/sample-data.md)
	$(UV) run outcomes generate --out sample_data/sample --quiet

clean:
	rm -rf .venv data/*.duckdb
