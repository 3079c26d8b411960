# Every suite `make check` runs, in this order, after `test-agent` and `test-swift` (the
# Makefile). The suites on a network-namespace testbed are in mk/testbed.mk; each brings its
# testbed up and down itself (own prefix and subnet) and runs its suites one after the other.
CHECK_TARGETS := check-core-purity \
	check-examples-avocado test-agent-py38 \
	check-ansible check-deploy check-gitlab-ci check-fresh-clone \
	check-faults test-multihost test-tree-sync \
	check-html check-results-schema \
	check-functional-meson check-functional-run \
	check-asset-fetch check-asset-push check-slurm \
	test-testbed

.PHONY: check-core-purity check-examples-avocado test-agent-py38 check-ansible check-gitlab-ci \
	check-fresh-clone check-html check-results-schema \
	check-list check-report check-fault-handling test-ssh protocol-transcript

# QCoordCore stays pure (docs/architecture.md): no Glibc, Dispatch, FileManager, Process,
# Date(), DispatchQueue. A grep, so it fails in a second.
check-core-purity:
	bash scripts/check-core-purity.sh Sources/QCoordCore

# --- The agent (agents/qcoord_agent.py) and the example suite ---
# examples/tests must pass under the real Avocado 113 too, not only through qcoord.
check-examples-avocado: setup
	@rm -rf build/examples-avocado
	$(VENV113)/bin/avocado run --job-results-dir build/examples-avocado examples/tests

# The agent must run on Python 3.8 (old distros on aarch64/s390x/ppc64le hosts): when a
# 3.8 interpreter is around, drive the agent with it (the driver runs the agent with
# the interpreter that runs the tests), FUNCTIONAL tests included (QEMU 10.0's qemu_test under 3.8).
PYTHON38 ?= $(shell for p in $$(command -v python3.8) $$HOME/.pyenv/versions/3.8*/bin/python; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 8)' 2>/dev/null && { echo "$$p"; break; }; done)
test-agent-py38: setup qemu-material
	@if [ -z "$(PYTHON38)" ]; then echo "test-agent-py38: no python3.8 here, skipped (vermin still checks the floor)"; \
	else cd agents && $(PYTHON38) -m unittest tests.test_units tests.test_transport tests.test_functional; fi

# Re-records the real agent session the Swift protocol tests decode (not a suite).
protocol-transcript: setup
	python3 agents/tests/record_transcript.py > Tests/Fixtures/protocol/agent-transcript.jsonl

# --- Deployment material and CI ---
VENV_ANSIBLE := build/venv-ansible

$(VENV_ANSIBLE)/bin/ansible-playbook:
	python3 -m venv $(VENV_ANSIBLE)
	$(VENV_ANSIBLE)/bin/pip install -q --disable-pip-version-check ansible-core

# The Ansible playbook must at least parse.
check-ansible: $(VENV_ANSIBLE)/bin/ansible-playbook
	$(VENV_ANSIBLE)/bin/ansible-playbook --syntax-check -i deploy/ansible/inventory.example.ini deploy/ansible/site.yml

# deploy/gitlab-ci/.gitlab-ci.yml run locally (its script: lines in bash, parallel: N as
# CI_NODE_INDEX/CI_NODE_TOTAL, artifacts handed on), twice (without, then with --timings),
# against an unsharded run of examples/tests. PyYAML from the Ansible venv.
check-gitlab-ci: build $(VENV_ANSIBLE)/bin/ansible-playbook
	$(VENV_ANSIBLE)/bin/python scripts/check-gitlab-ci.py --qcoord $(QCOORD) --python $(VENV113)/bin/python --tests examples/tests

# `git clone` of HEAD + `make demo` in it (exit 0, 11 PASS). The clone's .build is kept in
# build/fresh-clone between runs: the first run compiles everything (~4-5 min), later ~1 min.
check-fresh-clone: setup
	bash scripts/check-fresh-clone.sh

# --- The job report (issue 7) ---
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser)

# results.html of a real job (2 local slots) in headless Chromium; screenshot in
# build/artifacts/results-html.png. About 40 s.
check-html: build
	@test -n "$(CHROMIUM)" || { echo "check-html: no chromium (scripts/setup.sh installs Debian's 'chromium')"; exit 1; }
	QCOORD_CHROMIUM=$(CHROMIUM) QCOORD_AVOCADO113=$(CURDIR)/$(VENV113) $(SWIFT) test $(BUILD_FLAGS) \
	  --filter ResultsHTMLChromiumTests

# docs/results.schema.json must accept Avocado 113's own results.json files.
check-results-schema: setup
	$(VENV113)/bin/python scripts/validate_results.py Tests/Fixtures/run/avocado113-results.json \
	    Tests/Fixtures/run/avocado113-jobtimeout-results.json

# --- Suites of one area alone (`make check` runs them through test-swift) ---
# Static resolution and `qcoord list` (issue 2).
check-list: build
	QCOORD_AVOCADO113=$(CURDIR)/$(VENV113) $(SWIFT) test $(BUILD_FLAGS) \
	  --filter 'TagFilterTests|QEMUTestSelectionTests|DocstringDirectivesTests|PathNameTests|TestResolverTests|LoaderSpecTests|LocalSourceTreeTests|ScannerAsResolverSeesItTests|ListDifferentialTests|ListCommandTests|FunctionalDiscoveryTests|AssetDiscoveryTests'

# The report renderers, JUnit, events, `qcoord jobs`.
check-report: build
	QCOORD_AVOCADO113=$(CURDIR)/$(VENV113) $(SWIFT) test $(BUILD_FLAGS) \
	  --filter 'ResultsHTMLRendererTests|TimelineLayoutTests|ResultsXMLRendererTests|JobEventJSONRendererTests|ProgressLineTests|JobsRendererTests|ReportCommandTests'

# Fault handling: retries, quarantine, rejoin, give-up (docs/faults.md).
check-fault-handling: build
	QCOORD_AVOCADO113=$(CURDIR)/$(VENV113) $(SWIFT) test $(BUILD_FLAGS) --filter 'SchedulerFaultTests|CoordinatorFaultTests|RetryRunTests'

# The SSH transport against a real sshd on loopback: sessions, channels, SFTP, host keys, auth.
test-ssh: build
	$(SWIFT) test $(BUILD_FLAGS) --filter 'QCoordSSHTests'

# --- Test assets (issue 17) ---
# AssetFetcher and `qcoord assets fetch` against a local HTTP server and CONNECT proxy on
# loopback (Tests/Fixtures/assets/asset_server.py, standard library only, files generated at
# start): fetch + verify, the cache, wrong hash, 404, resume with Range, parallelism, proxies.
# The suites skip without QCOORD_ASSET_FETCH_TESTS (test-swift). A few seconds.
.PHONY: check-asset-fetch
check-asset-fetch: build qemu-material
	QCOORD_ASSET_FETCH_TESTS=1 $(SWIFT) test $(BUILD_FLAGS) \
	  --filter 'AssetFetcherTests|AssetsFetchCommandTests|AssetFetchPlanTests|AssetFetchReportTests|AssetFetchProgressTests|FunctionalAssetRunTests'

# Assets pushed to SSH hosts (docs/assets.md): a 2-host testbed (qcap, 10.231.28) with QEMU
# 10.0's binaries and Avocado 113, whose hosts cannot reach the local asset server; FUNCTIONAL and
# Avocado tests PASS there from the pushed store, each asset crosses once per host, a second job
# pushes nothing (AssetPushTestbedTests). About a minute.
ASSET_PUSH_TESTBED_DIR := $(CURDIR)/build/testbed-asset-push
.PHONY: check-asset-push
check-asset-push: build qemu-material
	@export QCOORD_TESTBED_DIR=$(ASSET_PUSH_TESTBED_DIR) QCOORD_TESTBED_PREFIX=qcap QCOORD_TESTBED_NET=10.231.28 \
	    QCOORD_TESTBED_PYTHON=$(MH_PYTHON) QCOORD_TESTBED_QEMU_DIR=$(CURDIR)/build/qemu-10.0/bin; \
	  bash deploy/testbed/testbed.sh down >/dev/null; \
	  bash deploy/testbed/testbed.sh up 2 >/dev/null || { bash deploy/testbed/testbed.sh down; exit 1; }; \
	  $(QCOORD) deploy --inventory $(ASSET_PUSH_TESTBED_DIR)/inventory.yaml --known-hosts $(ASSET_PUSH_TESTBED_DIR)/known_hosts \
	    --pip-python $(VENV113)/bin/python >/dev/null && \
	  QCOORD_ASSET_PUSH_TESTBED_DIR=$(ASSET_PUSH_TESTBED_DIR) $(SWIFT) test $(BUILD_FLAGS) --filter 'AssetPushTestbedTests'; rc=$$?; \
	  bash deploy/testbed/testbed.sh down >/dev/null; exit $$rc

# --- Real QEMU material (issue 16; the agent's FUNCTIONAL tests and check-functional-* need it) ---
# test-swift runs FunctionalDiscoveryRealTreeTests (QCoordIntegrationTests): the material must
# be there, and with QCOORD_QEMU_MATERIAL=required a missing tree fails instead of skipping.
test-swift: qemu-material
test-swift: export QCOORD_QEMU_MATERIAL := required

# FUNCTIONAL discovery alone (make check runs it through test-swift): `qcoord list --json`
# on the real 10.0 and 10.2 tests/functional trees against the ids Python's unittest loader
# finds (scripts/functional-unittest-ids.py) and the meson tests MesonSuites reads; prints the counts.
.PHONY: check-functional-discovery
check-functional-discovery: build qemu-material
	QCOORD_QEMU_MATERIAL=required $(SWIFT) test $(BUILD_FLAGS) --filter 'FunctionalDiscoveryRealTreeTests|FunctionalDiscoveryTests'

# Static asset discovery alone (issue 17; make check runs it through test-swift): the assets
# qcoord finds on QEMU 10.0/10.2 tests/functional and 7.2 tests/avocado against Python peers
# (scripts/functional-assets.py, scripts/avocado-fetch-assets.py); prints the counts (docs/assets.md).
.PHONY: check-assets-discovery
check-assets-discovery: build qemu-material
	QCOORD_QEMU_MATERIAL=required $(SWIFT) test $(BUILD_FLAGS) --filter 'AssetDiscoveryRealTreeTests|AssetDiscoveryTests'

# QEMU 10.0.x from bookworm-backports (tests/functional + binaries unpacked under
# build/qemu-10.0, wrappers in build/qemu-10.0/bin) and QEMU 10.2.2's tests/functional from sid
# (build/qemu-10.2), fetched through an isolated apt config; downloads cached in
# ~/.cache/qcoord-dev. Cold ~30 s, warm <1 s (docs/qemu-material.md).
.PHONY: qemu-material
qemu-material:
	bash scripts/qemu-material.sh

# QEMU's tests/functional meson.build files read as data (MesonSuites, issue 16) on the real
# 10.0 and 10.2 trees, compared per target (quick/thorough/timeout counts) with a line-oriented
# peer, scripts/check-functional-meson.py; prints the counts. Needs `make qemu-material`.
.PHONY: check-functional-meson check-functional-run
check-functional-meson: qemu-material
	@mkdir -p .build
	python3 scripts/check-functional-meson.py 10.0=build/qemu-10.0/src/tests/functional \
	  10.2=build/qemu-10.2/src/tests/functional > $(CURDIR)/.build/functional-meson-peer.json
	QCOORD_FUNCTIONAL_MESON_EXPECTED=$(CURDIR)/.build/functional-meson-peer.json \
	  $(SWIFT) test $(BUILD_FLAGS) --filter FunctionalMesonRealTreeTests

# QEMU 10.0.2's asset-free tests/functional tests of five targets: run the meson way
# (scripts/functional-meson-run.py: python3 <file>, TAP) and by `qcoord run --arch …`, on this
# machine and on a 4-host testbed whose hosts hold disjoint targets' 10.0 binaries (pycotap
# put there by `qcoord deploy`); the per-test statuses must be the same
# (FunctionalRunDifferentialTests). About 2-3 minutes.
FUNCTIONAL_TARGETS := x86_64,aarch64,ppc64,s390x,riscv64
FUNCTIONAL_REF := $(CURDIR)/build/functional-reference.json
FUNCTIONAL_TESTBED_DIR := $(CURDIR)/build/testbed-functional
check-functional-run: build qemu-material
	python3 scripts/functional-meson-run.py --tests-dir build/qemu-10.0/src/tests/functional --bin-dir build/qemu-10.0/bin \
	  --pylib build/qemu-10.0/pylib --targets $(FUNCTIONAL_TARGETS) > $(FUNCTIONAL_REF)
	QCOORD_FUNCTIONAL_REFERENCE=$(FUNCTIONAL_REF) QCOORD_AVOCADO113=$(CURDIR)/$(VENV113) \
	  $(SWIFT) test $(BUILD_FLAGS) --filter 'FunctionalRunDifferentialTests/(localHost|bothFormatsInOneJob|checkFunctionalEntry)'
	@export QCOORD_TESTBED_DIR=$(FUNCTIONAL_TESTBED_DIR) QCOORD_TESTBED_PREFIX=qcfn QCOORD_TESTBED_NET=10.231.25 \
	    QCOORD_TESTBED_PYTHON=$(MH_PYTHON) QCOORD_TESTBED_QEMU_DIR=$(CURDIR)/build/qemu-10.0/bin; \
	  bash deploy/testbed/testbed.sh down >/dev/null; \
	  bash deploy/testbed/testbed.sh up 4 >/dev/null || { bash deploy/testbed/testbed.sh down; exit 1; }; \
	  $(QCOORD) deploy --inventory $(FUNCTIONAL_TESTBED_DIR)/inventory.yaml --known-hosts $(FUNCTIONAL_TESTBED_DIR)/known_hosts \
	    --pip-python $(VENV113)/bin/python >/dev/null && \
	  QCOORD_FUNCTIONAL_REFERENCE=$(FUNCTIONAL_REF) QCOORD_FUNCTIONAL_TESTBED_DIR=$(FUNCTIONAL_TESTBED_DIR) \
	    QCOORD_AVOCADO113=$(CURDIR)/$(VENV113) $(SWIFT) test $(BUILD_FLAGS) --filter 'FunctionalRunDifferentialTests/testbed'; rc=$$?; \
	  bash deploy/testbed/testbed.sh down >/dev/null; exit $$rc
