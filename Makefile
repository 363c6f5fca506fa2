# Jiedai: `make run` serves the kiosk, `make test` runs every test.
# Both install what they need on a fresh Debian machine: the virtualenv from
# PyPI and, for the tests, Debian's chromium, CJK fonts and poppler-utils.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
CATALOGS := $(wildcard kiosk/translations/*/LC_MESSAGES/messages.po central/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
RUN_DEBS := fonts-noto-cjk fonts-wqy-zenhei espeak-ng
# cage, for `systemd-analyze verify` of the touch screen's unit; sox measures the spoken call.
TEST_DEBS := $(RUN_DEBS) chromium poppler-utils cage sox
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run central test test-fast lint bench install debs-run debs-test translations extract clean \
	install-kiosk uninstall-kiosk upgrade-kiosk upgrade-office

run: install debs-run
	$(FLASK) --app kiosk db upgrade
	$(FLASK) --app kiosk speech build
	$(PY) run.py --host $(HOST) --port $(PORT)

central: install
	$(FLASK) --app central db upgrade
	$(PY) run.py central

test: install debs-test lint
	$(PY) -m pytest $(PYTEST_ARGS)

# Everything but the browser, PostgreSQL and slow tests: the quick loop while working.
test-fast: install lint
	$(PY) -m pytest -m "not browser and not postgres and not slow" $(PYTEST_ARGS)

# The layering contracts of .importlinter: a wrong import fails like a wrong assertion.
lint: install
	$(VENV)/bin/lint-imports

bench: install debs-test
	$(PY) -m bench

IME_DATA := kiosk/ime/data/pinyin.tsv

install: $(STAMP) $(COMPILED) $(IME_DATA)

# The on-screen keyboard's dictionary, from pypinyin and jieba (installed above).
$(IME_DATA): $(STAMP) kiosk/ime/build.py
	$(PY) -m kiosk.ime.build

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

%.mo: %.po $(STAMP)
	$(VENV)/bin/pybabel compile --use-fuzzy -i $< -o $@

# A kiosk PC in the field, as root from this checkout (deploy/ needs only Python's standard
# library, so these work before any virtualenv exists). See the README's "Installing a kiosk".
install-kiosk:
	$(PYTHON) -m deploy install $(DEPLOY_ARGS)

uninstall-kiosk:
	$(PYTHON) -m deploy uninstall

upgrade-kiosk:
	$(PYTHON) -m deploy upgrade

upgrade-office:
	$(PYTHON) -m deploy upgrade-office $(DEPLOY_ARGS)

# Debian packages, installed only when missing (root, or sudo when not root).
debs-run:
	@sh scripts/ensure-debs.sh $(RUN_DEBS)

debs-test:
	@sh scripts/ensure-debs.sh $(TEST_DEBS)

# Refresh both apps' catalogs after changing user-facing strings.
extract: install
	mkdir -p build
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location -o build/messages.pot .
	$(VENV)/bin/pybabel update -i build/messages.pot -d kiosk/translations --no-fuzzy-matching
	$(VENV)/bin/pybabel extract -F central/babel.cfg -k _l -k lazy_gettext --no-location -o build/central.pot .
	$(VENV)/bin/pybabel update -i build/central.pot -d central/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) build .pytest_cache .hypothesis $(IME_DATA)
