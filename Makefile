# make demo: scan the bundled demo estate.  make test: lint, Rego checks and tests, and pytest.
VENV ?= .venv
BIN := $(VENV)/bin
# OPA, Regal and the SARIF multitool live in the virtualenv (scripts/install-tools.sh), found first.
export PATH := $(abspath $(BIN)):$(PATH)
OPA = $(shell PATH="$(PATH)" command -v opa 2>/dev/null)
REGAL = $(shell PATH="$(PATH)" command -v regal 2>/dev/null)
# The policy input's JSON Schema: opa check type-checks every input reference against it.
INPUT_SCHEMA := policies/schema/input.json

.PHONY: demo test tools regorus lint rego-test rego-lint schemas readme fuzz clean

$(BIN)/drready: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The demo's gaps are its expected result, so a gap does not fail `make demo` (--fail-on none).
# report.pdf when a Chromium is on PATH (make tools installs one); a runbook for the storefront stamp.
DEMO_FORMATS = html,md,json,xlsx$(if $(shell command -v chromium chromium-browser 2>/dev/null),$(comma)pdf)
comma := ,
demo: $(BIN)/drready regorus
	$(BIN)/drready scan --demo --out out/demo --fail-on none --format $(DEMO_FORMATS)
	$(BIN)/drready runbook --demo --stamp storefront --format md,html --out out/demo-runbook -q

lint: $(BIN)/drready
	$(BIN)/ruff check scanner tests examples benchmarks action
	$(BIN)/ruff format --check scanner tests examples benchmarks action

rego-test:
ifeq ($(OPA),)
	@echo "opa not found (scripts/install-tools.sh builds it when Go is installed): skipping opa fmt/check/test"
else
	@out=$$($(OPA) fmt --list policies); if [ -n "$$out" ]; then echo "opa fmt would change: $$out"; exit 1; fi
	$(OPA) check --strict -s $(INPUT_SCHEMA) policies
	$(OPA) test policies
endif

# Regal (OPA's linter) with .regal/config.yaml and the custom rules in .regal/rules, and their tests.
rego-lint:
ifeq ($(REGAL),)
	@echo "regal not found (scripts/install-tools.sh builds it when Go is installed): skipping regal lint/test"
else
	$(REGAL) lint policies .regal/rules
	$(REGAL) test .regal/rules
endif

# Pinned OPA and Regal (go install), the SARIF multitool (npm) and Chromium (apt-get, as root) when this
# machine can install them; a test that needs a missing one skips and says why.
tools: $(BIN)/drready regorus
	bash scripts/install-tools.sh $(BIN)

# The regorus engine (native/regorus, built with cargo and maturin when cargo is installed).
regorus: $(BIN)/drready
	bash scripts/build-regorus.sh $(BIN)

# `make` re-evaluates OPA and REGAL in each recipe, so the tools installed just before are used.
# The tests run in parallel, one worker per core (pytest-xdist); PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= auto
test: tools
	$(MAKE) lint rego-test rego-lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)

# The long fuzz run: FUZZ_EXAMPLES mutated inputs per family (make test runs 25). Figures in README.
FUZZ_EXAMPLES ?= 2000
fuzz: $(BIN)/drready
	DRREADY_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_fuzz.py

# The published JSON Schema of result.json, generated from scanner/result_model.py (a test checks it is current).
schemas: $(BIN)/drready
	$(BIN)/python -c "import json; from scanner.result_model import json_schema; \
	print(json.dumps(json_schema(), indent=2, sort_keys=True))" > schemas/drready.result.v1.json

# README's control table, generated from the policies' METADATA (tests/test_cli.py checks it is current)
readme: $(BIN)/drready
	$(BIN)/python -c "import re, subprocess, pathlib; p = pathlib.Path('README.md'); \
	table = subprocess.run(['$(BIN)/drready', 'policies', 'doc', '--index'], check=True, capture_output=True, text=True).stdout; \
	p.write_text(re.sub(r'(<!-- controls:begin -->\n).*(<!-- controls:end -->)', lambda m: m[1] + table + m[2], p.read_text(), flags=re.S))"

clean:
	rm -rf $(VENV) out build dist
