# `make run` and `make test` are the two commands of the README: each sets up everything it needs.
PYTHON ?= python3
HOST   ?= 127.0.0.1
PORT   ?= 8000
VENV   := .venv
BIN    := $(VENV)/bin
# setuptools' build warnings (the editable-install notice) are for packagers, not for someone
# running `make run`; errors still show.
QUIET_BUILD := PYTHONWARNINGS=ignore::UserWarning

.PHONY: install notebook run build serve test bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(QUIET_BUILD) $(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Etalab's administrative divisions and GeoNames' places of France (the gazetteer of `ctair curate`), git-ignored, like YASGUI vendored at install
# (the places' stamp is written last, after vendor/decoupage-administratif/)
GAZETTEER := vendor/geonames-fr/VERSION
$(GAZETTEER): scripts/vendor-gazetteer.py
	$(PYTHON) scripts/vendor-gazetteer.py

install: $(VENV)/.installed $(GAZETTEER)

# JupyterLab in the same venv, for notebooks/ (`make notebook` opens it there).
$(VENV)/.notebook: $(VENV)/.installed
	$(QUIET_BUILD) $(BIN)/python -m pip install --quiet -e '.[test,notebook]'
	touch $@

notebook: $(VENV)/.notebook
	$(BIN)/jupyter lab --ip 127.0.0.1 --notebook-dir notebooks

run: install
	$(BIN)/ctair build
	$(BIN)/ctair serve --host $(HOST) --port $(PORT)

test: install
	bash scripts/install-system-test-deps.sh
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var .pytest_cache
