# Fault injection on a 3-host netns testbed of its own (prefix qcft, 10.231.13): a host's link
# cut, its sshd session or agent SIGKILLed, its processes SIGSTOPped, the coordinator
# SIGKILLed then resumed, each mid-test (Tests/QCoordIntegrationTests/Faults). Down always.
# (The fault-handling unit suites are check-fault-handling, mk/fault-handling.mk.)
.PHONY: check-faults
FAULTS_TESTBED_DIR ?= $(CURDIR)/build/testbed-faults
check-faults: build
	@export QCOORD_TESTBED_DIR=$(FAULTS_TESTBED_DIR) QCOORD_TESTBED_PREFIX=qcft QCOORD_TESTBED_NET=10.231.13 \
	    QCOORD_TESTBED_MODE=netns QCOORD_TESTBED_PYTHON=$(MH_PYTHON) \
	    QCOORD_FAULTS_DIR=$(FAULTS_TESTBED_DIR) QCOORD_FAULTS_PREFIX=qcft; \
	  bash deploy/testbed/testbed.sh down >/dev/null; \
	  bash deploy/testbed/testbed.sh up 3 >/dev/null || { bash deploy/testbed/testbed.sh down; exit 1; }; \
	  $(SWIFT) test $(BUILD_FLAGS) --filter 'FaultInjectionTests'; rc=$$?; \
	  bash deploy/testbed/testbed.sh down; exit $$rc

CHECK_TARGETS += check-faults
