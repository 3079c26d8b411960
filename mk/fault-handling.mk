# Fault handling: retries, quarantine, rejoin, give-up (docs/faults.md).

.PHONY: check-fault-handling

check-fault-handling: build
	QCOORD_AVOCADO113=$(CURDIR)/$(VENV113) $(SWIFT) test $(BUILD_FLAGS) --filter 'SchedulerFaultTests|CoordinatorFaultTests|RetryRunTests'
# Not in CHECK_TARGETS: `make test-swift` already runs these suites; this target runs just them.
