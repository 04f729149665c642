# spotctl: two commands do all the set-up on a fresh Debian machine.
#   make test   installs what the tests need, then runs the whole suite
#   make demo   installs what is missing, builds, and runs the demo
SHELL := /bin/bash
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := libgit2-dev zlib1g-dev pkg-config curl openssl strace

.PHONY: all deps venv browser build test demo release bench templates reference-fixtures clean

all: build

# Debian packages the build needs; apt-get runs only when one is missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# python-openstackclient in .venv, for the tests that drive the real `openstack` CLI against the simulator.
venv:
	@bash scripts/openstack-venv.sh

# Debian's chromium, for the tests that load the dashboard in a real headless browser
# (Tests/TestSupport/Browser.swift); apt-get runs only when it is missing. `make demo` does not need it.
browser:
	@dpkg -s chromium >/dev/null 2>&1 || { \
	  echo "installing: chromium"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	}

# One command builds and tests, so Swift builds the package once.
test: deps venv browser
	$(SWIFT) test --disable-xctest

# The whole loop on the built-in simulated cloud: init, snapshot, a change, snapshot, diff, render.
demo: build
	.build/debug/spotctl demo spotctl-demo

# Benchmarks need a release build; see README.
bench: deps
	$(SWIFT) build -c release
	.build/release/spotctl-bench

# After editing templates/: build them into the binary (Sources/SpotSite/EmbeddedTemplates.swift).
templates:
	python3 scripts/embed-templates.py

# When ../shared/reference changes: rewrite the tests' shape fixtures and check the schema excerpts for drift
# (docs/simulator.md). Not part of `test`: the tests need only the repository.
reference-fixtures:
	python3 scripts/refresh-reference-fixtures.py

clean:
	rm -rf .build
