# The network-namespace testbed (deploy/testbed/testbed.sh; docs/inventory.md) and the suites
# that run on one. Each target brings up a testbed of its own (own dir, prefix, subnet), runs
# its suites one after the other, and takes it down always, so no two share a host:
#
#   target           prefix  subnet       hosts
#   test-testbed     qcchk   10.231.7     3    TestbedTests, then FaultDetectionTestbedTests
#   bench-ssh        qcbn    10.231.8     3    (mk/bench.mk)
#   test-multihost   qcmh    10.231.9     3    MultiHostRunTests
#   demo-cluster     qcdm    10.231.11    3    examples/tests over SSH, by hand
#   bench-schedule   qcsc    10.231.12    3    (mk/bench.mk)
#   bench-functional qcbf    10.231.26    3    (mk/bench.mk)
#   check-faults     qcft    10.231.13    3    FaultInjectionTests
#   check-deploy     qcdp    10.231.14    2    scripts/check-deploy.sh
#   test-tree-sync   qcts    10.231.24    3    TreeSyncTestbedTests
#   check-functional-run qcfn 10.231.25   4    FunctionalRunDifferentialTests (mk/check.mk)
#   check-asset-push qcap    10.231.28    2    AssetPushTestbedTests (mk/check.mk)
#   check-slurm      qcsl    10.231.29    3    SlurmRunTests: slurmctld + a slurmd per host (deploy/testbed/slurm.sh)
#   slurm-up         qcsl    10.231.29    3    by hand (then: eval "$$(bash deploy/testbed/slurm.sh env)")
#   testbed-up       (build/testbed)      N    by hand

.PHONY: testbed-up testbed-down test-testbed check-faults check-deploy test-multihost demo-cluster test-tree-sync \
	check-slurm slurm-up slurm-down readme-screenshot

# By hand: `make testbed-up` (N=3), then qcoord … --inventory build/testbed/inventory.yaml
N ?= 3
testbed-up:
	bash deploy/testbed/testbed.sh up $(N)
testbed-down:
	bash deploy/testbed/testbed.sh down

# The hosts run tests with the repo's Avocado venv: the testbed shares this machine's files.
MH_PYTHON = $(shell readlink -f $(VENV113))/bin/python

# The testbed suite, then the fault-detection suite: it freezes hosts, so it runs after the
# testbed suite, never beside it.
TESTBED_DIR ?= $(CURDIR)/build/testbed-check
TESTBED_PREFIX ?= qcchk
TESTBED_NET ?= 10.231.7
test-testbed: build
	@export QCOORD_TESTBED_DIR=$(TESTBED_DIR) QCOORD_TESTBED_PREFIX=$(TESTBED_PREFIX) QCOORD_TESTBED_NET=$(TESTBED_NET); \
	  bash deploy/testbed/testbed.sh down >/dev/null; \
	  bash deploy/testbed/testbed.sh up 3 || { bash deploy/testbed/testbed.sh down; exit 1; }; \
	  $(SWIFT) test $(BUILD_FLAGS) --filter 'QCoordIntegrationTests\.TestbedTests' && \
	    $(SWIFT) test $(BUILD_FLAGS) --filter 'FaultDetectionTestbedTests'; rc=$$?; \
	  bash deploy/testbed/testbed.sh down; exit $$rc

# Fault injection: a host's link cut, its sshd session or agent SIGKILLed, its processes
# SIGSTOPped, the coordinator SIGKILLed then resumed, each mid-test
# (Tests/QCoordIntegrationTests/Faults). The fault-handling unit suites: check-fault-handling.
FAULTS_TESTBED_DIR ?= $(CURDIR)/build/testbed-faults
check-faults: build
	@export QCOORD_TESTBED_DIR=$(FAULTS_TESTBED_DIR) QCOORD_TESTBED_PREFIX=qcft QCOORD_TESTBED_NET=10.231.13 \
	    QCOORD_TESTBED_MODE=netns QCOORD_TESTBED_PYTHON=$(MH_PYTHON) \
	    QCOORD_FAULTS_DIR=$(FAULTS_TESTBED_DIR) QCOORD_FAULTS_PREFIX=qcft; \
	  bash deploy/testbed/testbed.sh down >/dev/null; \
	  bash deploy/testbed/testbed.sh up 3 >/dev/null || { bash deploy/testbed/testbed.sh down; exit 1; }; \
	  $(SWIFT) test $(BUILD_FLAGS) --filter 'FaultInjectionTests'; rc=$$?; \
	  bash deploy/testbed/testbed.sh down; exit $$rc

# `qcoord deploy` on 2 hosts: Avocado venvs from locally downloaded wheels (cached in
# build/wheels), idempotence, a job with the venv.
check-deploy: build
	QCOORD=$(QCOORD) PIP_PYTHON=$(VENV113)/bin/python QCOORD_TESTBED_DIR=$(CURDIR)/build/testbed-deploy \
	  QCOORD_TESTBED_PREFIX=qcdp QCOORD_TESTBED_NET=10.231.14 bash scripts/check-deploy.sh

# The multi-host suite. With a chromium, its job's results.html is checked in it too
# (screenshot in build/artifacts/results-html-multihost.png).
MH_TESTBED_DIR ?= $(CURDIR)/build/testbed-multihost
test-multihost: build
	@export QCOORD_TESTBED_DIR=$(MH_TESTBED_DIR) QCOORD_TESTBED_PREFIX=qcmh QCOORD_TESTBED_NET=10.231.9 \
	    QCOORD_TESTBED_PYTHON=$(MH_PYTHON) QCOORD_MULTIHOST_DIR=$(MH_TESTBED_DIR) \
	    $(if $(CHROMIUM),QCOORD_CHROMIUM=$(CHROMIUM)); \
	  bash deploy/testbed/testbed.sh down >/dev/null; \
	  bash deploy/testbed/testbed.sh up 3 >/dev/null || { bash deploy/testbed/testbed.sh down; exit 1; }; \
	  $(SWIFT) test $(BUILD_FLAGS) --filter 'MultiHostRunTests'; rc=$$?; \
	  bash deploy/testbed/testbed.sh down; exit $$rc

# The README's screenshot (docs/images/results-html.png): the multi-host suite's results.html in
# headless Chromium, palette-reduced with pngquant (apt) to stay small.
.PHONY: readme-screenshot
readme-screenshot: test-multihost
	@command -v pngquant >/dev/null || { echo "readme-screenshot: needs pngquant (apt-get install pngquant)"; exit 1; }
	pngquant --quality 60-90 --speed 1 --force --output docs/images/results-html.png build/artifacts/results-html-multihost.png

# Tree sync from a git checkout: only git's files, never key material, --dry-run's lines, the
# --max-sync-size refusal, the host cache's mode (Tests/QCoordIntegrationTests/Sync).
TS_TESTBED_DIR ?= $(CURDIR)/build/testbed-tree-sync
test-tree-sync: build
	@export QCOORD_TESTBED_DIR=$(TS_TESTBED_DIR) QCOORD_TESTBED_PREFIX=qcts QCOORD_TESTBED_NET=10.231.24 \
	    QCOORD_TREESYNC_DIR=$(TS_TESTBED_DIR); \
	  bash deploy/testbed/testbed.sh down >/dev/null; \
	  bash deploy/testbed/testbed.sh up 3 >/dev/null || { bash deploy/testbed/testbed.sh down; exit 1; }; \
	  $(SWIFT) test $(BUILD_FLAGS) --filter 'TreeSyncTestbedTests'; rc=$$?; \
	  bash deploy/testbed/testbed.sh down; exit $$rc

# examples/tests across 3 testbed hosts over SSH, then the report.
DEMO_TESTBED_DIR ?= $(CURDIR)/build/testbed-demo
demo-cluster: build
	@export QCOORD_TESTBED_DIR=$(DEMO_TESTBED_DIR) QCOORD_TESTBED_PREFIX=qcdm QCOORD_TESTBED_NET=10.231.11 \
	    QCOORD_TESTBED_PYTHON=$(MH_PYTHON); \
	  bash deploy/testbed/testbed.sh down >/dev/null; \
	  bash deploy/testbed/testbed.sh up 3 || { bash deploy/testbed/testbed.sh down; exit 1; }; \
	  $(QCOORD) hosts --inventory $(DEMO_TESTBED_DIR)/inventory.yaml --known-hosts $(DEMO_TESTBED_DIR)/known_hosts; \
	  $(QCOORD) run --inventory $(DEMO_TESTBED_DIR)/inventory.yaml --known-hosts $(DEMO_TESTBED_DIR)/known_hosts \
	      --job-results-dir $(CURDIR)/build/demo-cluster-results examples/tests; rc=$$?; \
	  $(VENV113)/bin/python -c 'import json,sys; r=json.load(open(sys.argv[1])); \
	    [print("%-75s %-6s %-4s %s" % (t["name"], t["status"], t.get("host"), t.get("qemu_bin") or "-")) for t in r["tests"]]' \
	      $(CURDIR)/build/demo-cluster-results/latest/results.json; \
	  bash deploy/testbed/testbed.sh down; exit $$rc

# Slurm as the host pool (docs/slurm.md): the netns testbed plus munged, slurmctld and one slurmd
# per host (deploy/testbed/slurm.sh; `up` already proves `srun -w hI` runs on each node and sees
# only that host's binaries). SlurmRunTests: examples/tests over SSH and over Slurm give the same
# statuses on the same hosts, a node set DOWN mid-run loses no result, scancel gives exit 8,
# --time 1 ends the job (54 s) before Slurm's limit.
SLURM_TESTBED_DIR ?= $(CURDIR)/build/testbed-slurm
SLURM_ENV = QCOORD_TESTBED_DIR=$(SLURM_TESTBED_DIR) QCOORD_TESTBED_PREFIX=qcsl QCOORD_TESTBED_NET=10.231.29 \
	QCOORD_TESTBED_PYTHON=$(MH_PYTHON)
check-slurm: build
	@export $(SLURM_ENV) QCOORD_SLURM_DIR=$(SLURM_TESTBED_DIR); \
	  bash deploy/testbed/slurm.sh down >/dev/null; \
	  bash deploy/testbed/slurm.sh up 3 || { bash deploy/testbed/slurm.sh down; exit 1; }; \
	  $(SWIFT) test $(BUILD_FLAGS) --filter 'SlurmRunTests'; rc=$$?; \
	  bash deploy/testbed/slurm.sh down; exit $$rc
slurm-up:
	$(SLURM_ENV) bash deploy/testbed/slurm.sh up 3
slurm-down:
	$(SLURM_ENV) bash deploy/testbed/slurm.sh down
