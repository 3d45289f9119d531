# Frontdesk — fresh-machine entry points: `make run`, `make test`, `make bench`.
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
TS      := $(wildcard resources/i18n/*.ts)
QM      := $(TS:.ts=.qm)

.PHONY: run test test-pg lint bench translations i18n shots clean package package-smoke package-onefile

$(STAMP): pyproject.toml scripts/ensure-system.sh
	bash scripts/ensure-system.sh
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

resources/i18n/%.qm: resources/i18n/%.ts $(STAMP)
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

translations: $(QM)

run: $(STAMP) translations
	$(VENV)/bin/frontdesk --demo $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

test: $(STAMP) translations lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q
	$(MAKE) test-pg

# The unit suite again, and the server tests, on a real PostgreSQL: a throwaway cluster
# from Debian's pg_virtualenv (works as root). Without PostgreSQL installed they are
# skipped here, but CI (FRONTDESK_REQUIRE_PG=1) fails.
test-pg: $(STAMP) translations
	@if command -v pg_virtualenv >/dev/null 2>&1; then \
		scripts/pg-clean-stale.sh; \
		pg_virtualenv -o max_connections=300 env FRONTDESK_TEST_PG=1 QT_QPA_PLATFORM=offscreen \
			$(PY) -m pytest -q tests/unit tests/server tests/journeys/test_server.py; \
	elif [ "$$FRONTDESK_REQUIRE_PG" = 1 ]; then \
		echo "PostgreSQL (pg_virtualenv) is required but missing" >&2; exit 1; \
	else \
		echo "PostgreSQL not installed: the server tests are skipped (apt-get install postgresql)"; \
	fi

# Run alone (2 noisy cores). Inside pg_virtualenv when PostgreSQL is installed, so the
# server's figures (lookup_pg, dashboard_pg, counters) come in the same run as SQLite's.
bench: $(STAMP) translations
	@if command -v pg_virtualenv >/dev/null 2>&1; then \
		scripts/pg-clean-stale.sh; \
		pg_virtualenv -o max_connections=50 env FRONTDESK_BENCH_PG=1 QT_QPA_PLATFORM=offscreen \
			$(PY) -m pytest -q -s -p no:cacheprovider tests/bench; \
	else \
		echo "PostgreSQL not installed: the server benchmarks are skipped"; \
		QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -s -p no:cacheprovider tests/bench; \
	fi

# A one-folder app in dist/frontdesk (fonts, translations, migrations inside), then a smoke
# test: the built binary starts offscreen on a new data folder, opens its database, quits.
package: $(STAMP) translations
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN build.spec
	$(MAKE) package-smoke

# The same as one self-contained file: dist/onefile/frontdesk (slower first start: it
# unpacks itself into a temporary folder).
package-onefile: $(STAMP) translations
	FRONTDESK_ONEFILE=1 $(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist/onefile --workpath build/onefile build.spec
	QT_QPA_PLATFORM=offscreen $(PY) scripts/package_smoke.py dist/onefile/frontdesk

package-smoke:
	QT_QPA_PLATFORM=offscreen $(PY) scripts/package_smoke.py dist/frontdesk/frontdesk

clean:
	rm -rf $(VENV) build dist *.egg-info $(QM)

# Refresh the .ts files from the code's tr() strings (then translate them in Qt Linguist).
i18n: $(STAMP)
	$(VENV)/bin/pyside6-lupdate $$(find ui -name '*.py') app/core/messages.py -no-obsolete $(addprefix -ts ,$(TS))

# Screenshots of the main windows into shots/ (offscreen), to look at after UI changes.
shots: $(STAMP) translations
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py zh_CN
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py en
