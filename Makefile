# `make run` and `make test` are the two commands of the README: each sets up everything it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: install run build serve test bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Etalab's administrative divisions (the gazetteer of `ctair curate`), git-ignored, like YASGUI vendored at install
GAZETTEER := vendor/decoupage-administratif/VERSION
$(GAZETTEER): scripts/vendor-gazetteer.py
	$(PYTHON) scripts/vendor-gazetteer.py

install: $(VENV)/.installed $(GAZETTEER)

run: install
	$(BIN)/ctair build
	$(BIN)/ctair serve --host 127.0.0.1 --port 8000

test: install
	bash scripts/install-system-test-deps.sh
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var .pytest_cache
