# The two commands of the README, and the benchmark. Each does its own set-up.
PYTHON ?= python3
HARNESS := $(PYTHON) tests/harness.py

.PHONY: test demo demo-reset screenshots i18n bench check-odoo install

## make test: throwaway PostgreSQL cluster, fresh database, addon installed, pytest.
test: check-odoo install
	@$(HARNESS) test $(PYTEST_ARGS)

## make demo: serve the demo database ccr_demo on http://localhost:8069 (admin / admin); PORT=8070 for another port.
demo: check-odoo install
	@$(HARNESS) demo $(if $(PORT),--port $(PORT))

## make demo-reset: drop ccr_demo and build it again, then serve it.
demo-reset: check-odoo install
	@$(HARNESS) demo --reset $(if $(PORT),--port $(PORT))

## make screenshots: the README's screenshots, taken with headless Chromium from a running make demo.
screenshots:
	@$(PYTHON) tests/screenshots.py $(if $(PORT),--url http://localhost:$(PORT))

## make i18n: export the addon's terms to its .pot and merge them into i18n/zh_CN.po.
i18n: check-odoo install
	@$(HARNESS) i18n

## make bench: throwaway cluster, Odoo's return path vs this addon's flow (vs OCA rma_sale if importable).
bench: check-odoo install
	@$(PYTHON) tests/benchmark.py $(BENCH_ARGS)

check-odoo:
	@$(PYTHON) -c "import odoo.release as r; assert r.version_info[:2] == (19, 0)" >/dev/null 2>&1 || \
		{ echo "Odoo 19.0 is not importable by '$(PYTHON)': install it first, see README.md, section Prerequisites." >&2; exit 1; }

install:
	@$(PYTHON) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -e '.[test]'
