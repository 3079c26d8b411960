# Scheduling: the scale and schedule benchmarks (release build; see docs/scheduling.md).

.PHONY: bench-scale bench-schedule

# The coordinator with in-process fake agents, 20 000 tests × 200 hosts: CPU time and peak
# memory of planning + scheduling + recording (targets: < 2 s, < 300 MiB).
# The version before the scale branch (1d2eb58), same machine, load ~1.2: 3.30 s CPU, 75.7 MiB
# (before the perf branch, 3858db9: 7.22 s, 231.8 MiB).
BENCH_SCALE_PREVIOUS_CPU ?= 3.30
BENCH_SCALE_PREVIOUS_MIB ?= 75.7
bench-scale: setup
	$(SWIFT) build -c release --product qcoord $(BUILD_FLAGS)
	@uptime
	$(RELEASE_DIR)/qcoord bench scale --tests 20000 --hosts 200 --previous-cpu $(BENCH_SCALE_PREVIOUS_CPU) --previous-mib $(BENCH_SCALE_PREVIOUS_MIB)

# 300 log-normal sleep tests (fixed seed, mean ~0.3 s), 30 % arch-constrained, 3 hosts × 2 slots:
# makespan over the lower bound, qcoord (after a warm-up run that fills a private timing history)
# vs a round-robin split, side by side — first SIMULATED (`qcoord bench schedule`), then for REAL
# on a 3-host SSH testbed of its own (scripts/bench-schedule-testbed.py; target qcoord ≤ 1.05).
SCHEDULE_TESTBED_DIR ?= $(CURDIR)/build/testbed-schedule
bench-schedule: setup
	$(SWIFT) build -c release --product qcoord $(BUILD_FLAGS)
	$(RELEASE_DIR)/qcoord bench schedule
	@export QCOORD_TESTBED_DIR=$(SCHEDULE_TESTBED_DIR) QCOORD_TESTBED_PREFIX=qcsc QCOORD_TESTBED_NET=10.231.12; \
	  bash deploy/testbed/testbed.sh down >/dev/null; \
	  bash deploy/testbed/testbed.sh up 3 >/dev/null || { bash deploy/testbed/testbed.sh down; exit 1; }; \
	  uptime; python3 scripts/bench-schedule-testbed.py $(RELEASE_DIR)/qcoord $(SCHEDULE_TESTBED_DIR); rc=$$?; \
	  bash deploy/testbed/testbed.sh down >/dev/null; exit $$rc
