# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN = $(VENV)/bin
FLASK = $(BIN)/flask --app welfare
PORT ?= 5000

.PHONY: setup run test test-fast lint translations clean serve worker cron

setup: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

translations: $(VENV)/.installed
	@for d in $(wildcard welfare/*/translations); do $(BIN)/pybabel -q compile -f -d $$d; done

run: setup
	$(FLASK) db upgrade
	$(FLASK) demo ensure
	WELFARE_SCHEDULER=1 $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check welfare tests config.py

worker: setup
	$(BIN)/rq worker --url $${REDIS_URL:-redis://127.0.0.1:6379/0} welfare

# Periodic tasks (alert escalation) on the RQ queue, for `make worker` to run.
cron: setup
	$(BIN)/rq cron --url $${REDIS_URL:-redis://127.0.0.1:6379/0} welfare.jobs.cron

clean:
	rm -rf $(VENV) instance *.egg-info
