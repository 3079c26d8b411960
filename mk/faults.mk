# Fault handling: retries, quarantine, rejoin, give-up (docs/faults.md).

.PHONY: check-faults

check-faults: build
	QCOORD_AVOCADO113=$(CURDIR)/$(VENV113) $(SWIFT) test $(BUILD_FLAGS) --filter 'SchedulerFaultTests|CoordinatorFaultTests|RetryRunTests'
CHECK_TARGETS += check-faults
