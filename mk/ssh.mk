# SSH transport and testbed (deploy/testbed). See docs/inventory.md.
.PHONY: test-ssh test-testbed testbed-up testbed-down bench-ssh

TESTBED_DIR ?= $(CURDIR)/build/testbed-check
TESTBED_PREFIX ?= qcchk
TESTBED_NET ?= 10.231.7

# Real sshd on loopback: sessions, channels, SFTP, host keys, auth.
test-ssh: build
	$(SWIFT) test $(BUILD_FLAGS) --filter 'QCoordSSHTests'

# A 3-host testbed of its own (own dir, prefix, subnet), the testbed suite, then down — always.
# The fault-detection suite freezes hosts, so it runs after the testbed suite, never beside it.
test-testbed: build
	@export QCOORD_TESTBED_DIR=$(TESTBED_DIR) QCOORD_TESTBED_PREFIX=$(TESTBED_PREFIX) QCOORD_TESTBED_NET=$(TESTBED_NET); \
	  bash deploy/testbed/testbed.sh down >/dev/null; \
	  bash deploy/testbed/testbed.sh up 3 || { bash deploy/testbed/testbed.sh down; exit 1; }; \
	  $(SWIFT) test $(BUILD_FLAGS) --filter 'QCoordIntegrationTests\.TestbedTests' && \
	    $(SWIFT) test $(BUILD_FLAGS) --filter 'FaultDetectionTestbedTests'; rc=$$?; \
	  bash deploy/testbed/testbed.sh down; exit $$rc

CHECK_TARGETS += test-testbed

# By hand: `make testbed-up` (N=3), then qcoord … --inventory build/testbed/inventory.yaml
N ?= 3
testbed-up:
	bash deploy/testbed/testbed.sh up $(N)
testbed-down:
	bash deploy/testbed/testbed.sh down

# Connect + authenticate + agent ready per host, on a 3-host testbed of its own (CONNECT and
# READY columns of `qcoord hosts`; the first run uploads the agent, later runs reuse it); then
# the dispatch overhead over SSH: 60 vs 300 trivial SIMPLE tests on 3 hosts x 2 slots (release build).
BENCH_TESTBED_DIR ?= $(CURDIR)/build/testbed-bench
bench-ssh: build
	@export QCOORD_TESTBED_DIR=$(BENCH_TESTBED_DIR) QCOORD_TESTBED_PREFIX=qcbn QCOORD_TESTBED_NET=10.231.8; \
	  bash deploy/testbed/testbed.sh down >/dev/null; \
	  bash deploy/testbed/testbed.sh up 3 >/dev/null || { bash deploy/testbed/testbed.sh down; exit 1; }; \
	  rc=0; for run in 1 2 3; do echo "== run $$run"; \
	    $(QCOORD) hosts --inventory $(BENCH_TESTBED_DIR)/inventory.yaml --known-hosts $(BENCH_TESTBED_DIR)/known_hosts || rc=$$?; done; \
	  $(SWIFT) build -c release --product qcoord $(BUILD_FLAGS) >/dev/null && \
	    scripts/bench-ssh-dispatch.sh $(RELEASE_DIR)/qcoord || rc=$$?; \
	  bash deploy/testbed/testbed.sh down >/dev/null; exit $$rc
