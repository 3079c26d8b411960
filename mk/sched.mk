# Scheduling: the scale and schedule benchmarks (release build; see docs/scheduling.md).

.PHONY: bench-scale bench-schedule

# The coordinator with in-process fake agents, 20 000 tests × 200 hosts: CPU time and peak
# memory of planning + scheduling + recording (targets: < 2 s, < 300 MiB).
bench-scale: setup
	$(SWIFT) build -c release --product qcoord $(BUILD_FLAGS)
	$(RELEASE_DIR)/qcoord bench scale --tests 20000 --hosts 200

# SIMULATED: 300 log-normal sleep tests (fixed seed, mean ~0.3 s), 30 % arch-constrained, 3 hosts
# × 2 slots, qcoord's Scheduler vs a round-robin split, makespan over the lower bound. The real
# variant on the 3-host SSH testbed is not written yet.
bench-schedule: setup
	$(SWIFT) build -c release --product qcoord $(BUILD_FLAGS)
	$(RELEASE_DIR)/qcoord bench schedule
