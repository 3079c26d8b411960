# SSH transport and testbed (deploy/testbed). See docs/inventory.md.
.PHONY: test-ssh test-testbed testbed-up testbed-down

TESTBED_DIR ?= $(CURDIR)/build/testbed-check
TESTBED_PREFIX ?= qcchk
TESTBED_NET ?= 10.231.7

# Real sshd on loopback: sessions, channels, SFTP, host keys, auth.
test-ssh: build
	$(SWIFT) test $(BUILD_FLAGS) --filter 'QCoordSSHTests'

# A 3-host testbed of its own (own dir, prefix, subnet), the testbed suite, then down — always.
test-testbed: build
	@export QCOORD_TESTBED_DIR=$(TESTBED_DIR) QCOORD_TESTBED_PREFIX=$(TESTBED_PREFIX) QCOORD_TESTBED_NET=$(TESTBED_NET); \
	  bash deploy/testbed/testbed.sh down >/dev/null; \
	  bash deploy/testbed/testbed.sh up 3 || { bash deploy/testbed/testbed.sh down; exit 1; }; \
	  $(SWIFT) test $(BUILD_FLAGS) --filter 'TestbedTests'; rc=$$?; \
	  bash deploy/testbed/testbed.sh down; exit $$rc

CHECK_TARGETS += test-testbed

# By hand: `make testbed-up` (N=3), then qcoord … --inventory build/testbed/inventory.yaml
N ?= 3
testbed-up:
	bash deploy/testbed/testbed.sh up $(N)
testbed-down:
	bash deploy/testbed/testbed.sh down
