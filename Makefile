# qcoord — the README's commands: `make demo` and `make check`.
SHELL := /bin/bash
SWIFT ?= swift
BUILD_FLAGS ?=
RELEASE_DIR := .build/release
DEBUG_DIR := .build/debug
VENV113 := build/venv-avocado113
VENV88 := build/venv-avocado88
QCOORD := $(DEBUG_DIR)/qcoord

.PHONY: all setup build release demo check test-swift test-agent clean

# mk/check.mk: every suite `make check` runs (CHECK_TARGETS) and the suites of one area;
# mk/testbed.mk: the namespace testbed and its suites; mk/bench.mk: every bench-* target
# (code in bench/); mk/fuzz.mk: the libFuzzer targets (code and corpora in fuzz/).
CHECK_TARGETS :=
all: build
-include mk/*.mk

setup: build/.setup-done
build/.setup-done: scripts/setup.sh
	@mkdir -p build
	bash scripts/setup.sh
	@touch $@

build: setup
	$(SWIFT) build $(BUILD_FLAGS)

release: setup
	$(SWIFT) build -c release $(BUILD_FLAGS)

# The main job, on the local host (no SSH needed). `deploy --local` puts Avocado 113.0 into
# ~/.cache/qcoord/venv-avocado-113.0 (once; a second run changes nothing), where `qcoord run`
# finds it without `--python`.
demo: build
	$(QCOORD) deploy --local --with-avocado 113.0 --pip-python $(VENV113)/bin/python
	$(QCOORD) run examples/tests

check: build test-agent test-swift $(CHECK_TARGETS)
	@echo "make check: all suites passed"

# Two runs: the integration tests wait on subprocesses synchronously, which can hold every
# thread of Swift's cooperative pool (one per core) for seconds; the unit suites, some of them
# timing-sensitive (fault handling), run in a process of their own so they are never starved.
test-swift: build
	@export QCOORD_AVOCADO113=$(CURDIR)/$(VENV113) QCOORD_AVOCADO88=$(CURDIR)/$(VENV88); \
	  { $(SWIFT) test $(BUILD_FLAGS) --skip QCoordIntegrationTests && \
	    $(SWIFT) test $(BUILD_FLAGS) --filter QCoordIntegrationTests; } 2>&1 | tee build/swift-test.log; exit $${PIPESTATUS[0]}

test-agent: setup qemu-material
	python3 -m unittest discover -s agents/tests -t agents
	$(VENV113)/bin/vermin --no-tips --violations -t=3.8- agents/qcoord_agent.py agents/deploy_helper.py

clean:
	rm -rf .build build
