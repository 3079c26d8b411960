# Benchmarks: every `bench-*` target. Their code is in bench/ (scripts, and the Swift
# benchmarks as the `qcoord-bench` executable, bench/Sources); none is part of `make check`.
# Each prints its figures; docs/scheduling.md has the history of the scheduling ones.
#
#   bench-list      qcoord list vs avocado list on a generated corpus (release, static stdlib)
#   bench-run       qcoord run vs avocado run on 200 trivial SIMPLE tests
#   bench-ssh       connect/auth/ready per host + dispatch overhead over SSH (3-host testbed)
#   bench-agent     the agent's own CPU per trivial task
#   bench-scale     the coordinator with in-process agents, 20 000 tests x 200 hosts
#   bench-schedule  makespan over the lower bound: simulated, then on a 3-host testbed
#   bench-scanner   Python scanner throughput
#   bench-hash      content hashing of a large test tree (tree sync's manifest)
#   bench-functional  QEMU tests/functional: list vs unittest's loader; a 3-host run vs meson's serial way
#   bench-assets    N tests sharing M assets over 3 hosts: qcoord's fetch-once-and-push vs each host downloading

.PHONY: bench-list bench-run bench-ssh bench-agent bench-scale bench-schedule bench-scanner bench-hash bench-functional bench-assets

QCOORD_BENCH := $(RELEASE_DIR)/qcoord-bench
# Every benchmark builds with the same flags (a statically linked Swift runtime: see
# bench-list), so going from one benchmark to another relinks instead of recompiling.
BENCH_RELEASE = $(SWIFT) build -c release --static-swift-stdlib $(BUILD_FLAGS)
BENCH_BUILD = $(BENCH_RELEASE) --product qcoord-bench

# --- bench-list: static resolution (issue 2) ---
BENCH_CORPUS := build/bench-corpus
BENCH_FILES ?= 320
BENCH_RUNS ?= 5

$(BENCH_CORPUS)/.generated: bench/gen-corpus.py
	rm -rf $(BENCH_CORPUS)
	python3 bench/gen-corpus.py $(BENCH_CORPUS) $(BENCH_FILES)
	@touch $@

# Release `qcoord list` against `avocado list`, each the median of BENCH_RUNS runs.
# A statically linked Swift runtime halves start-up (no dynamic symbol binding), and the
# binary can be copied to a host without Swift.
bench-list: setup $(BENCH_CORPUS)/.generated
	$(BENCH_RELEASE) --product qcoord
	python3 bench/list.py $(CURDIR)/$(RELEASE_DIR)/qcoord $(CURDIR)/$(VENV113)/bin/avocado $(BENCH_CORPUS) $(BENCH_RUNS)

# --- bench-run: qcoord run (release) vs avocado run (113) on the same 200 trivial SIMPLE tests ---
bench-run: setup
	$(BENCH_RELEASE) --product qcoord
	bench/run.sh $(RELEASE_DIR)/qcoord $(VENV113) 200

# --- bench-ssh ---
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
	  $(BENCH_RELEASE) --product qcoord >/dev/null && \
	    bench/ssh-dispatch.sh $(RELEASE_DIR)/qcoord || rc=$$?; \
	  bash deploy/testbed/testbed.sh down >/dev/null; exit $$rc

# --- bench-agent ---
# The agent's own CPU per trivial task (a real agent process, 60 vs 300 SIMPLE tasks, 2 at a
# time; CPU of its threads from /proc, medians of 3): the per-test cost behind `make bench-ssh`.
bench-agent:
	@uptime
	python3 bench/agent.py agents/qcoord_agent.py --python $${QCOORD_AGENT_PYTHON:-/usr/bin/python3}

# --- bench-scale, bench-schedule: scheduling (release build; see docs/scheduling.md) ---
# The coordinator with in-process fake agents, 20 000 tests × 200 hosts: CPU time and peak
# memory of planning + scheduling + recording (targets: < 2 s, < 300 MiB).
# The version before the job-plan redesign (b1885ad), alternating with this one in one run, load
# ~0.8: 1.36 s CPU, 77.5 MiB (docs/scheduling.md; before the scale branch, 1d2eb58: 3.30 s).
# 2026-12-06, this machine slower than then: 19a56d6 (session 3's end) 1.92–2.00 s, e00d9ab
# (session 4's end, which added two job.log lines per test) 2.42–2.87 s, after job.log formats its
# timestamp once a second 2.13–2.35 s, alternating in one run. The "previous" below: 19a56d6 then.
BENCH_SCALE_PREVIOUS_CPU ?= 1.95
BENCH_SCALE_PREVIOUS_MIB ?= 79.5
bench-scale: setup
	$(BENCH_BUILD)
	@uptime
	$(QCOORD_BENCH) scale --tests 20000 --hosts 200 --previous-cpu $(BENCH_SCALE_PREVIOUS_CPU) --previous-mib $(BENCH_SCALE_PREVIOUS_MIB)

# 300 log-normal sleep tests (fixed seed, mean ~0.3 s), 30 % arch-constrained, 3 hosts × 2 slots:
# makespan over the lower bound, qcoord (after a warm-up run that fills a private timing history)
# vs a round-robin split, side by side — first SIMULATED (`qcoord-bench schedule`), then for REAL
# on a 3-host SSH testbed of its own (bench/schedule-testbed.py; target qcoord ≤ 1.05).
# `make bench-schedule-simulated` runs the first part alone (no testbed, no root).
SCHEDULE_TESTBED_DIR ?= $(CURDIR)/build/testbed-schedule
.PHONY: bench-schedule-simulated
bench-schedule-simulated: setup
	$(BENCH_BUILD)
	$(QCOORD_BENCH) schedule
bench-schedule: bench-schedule-simulated
	$(BENCH_RELEASE) --product qcoord
	@export QCOORD_TESTBED_DIR=$(SCHEDULE_TESTBED_DIR) QCOORD_TESTBED_PREFIX=qcsc QCOORD_TESTBED_NET=10.231.12; \
	  bash deploy/testbed/testbed.sh down >/dev/null; \
	  bash deploy/testbed/testbed.sh up 3 >/dev/null || { bash deploy/testbed/testbed.sh down; exit 1; }; \
	  uptime; python3 bench/schedule-testbed.py $(RELEASE_DIR)/qcoord $(SCHEDULE_TESTBED_DIR); rc=$$?; \
	  bash deploy/testbed/testbed.sh down >/dev/null; exit $$rc

# --- bench-scanner: Python scanner throughput (a separate command, never a timed test) ---
# Compiles the scanner sources straight into a small binary with -O (no package target).
SCANNER_BENCH_FIXTURES := $(addprefix Tests/Fixtures/python/,qemu_style_test.py structure_edge.py strings_edge.py tabs.py)
bench-scanner:
	@mkdir -p build/scanner-bench.d
	cd build/scanner-bench.d && swiftc -O -wmo -module-name ScannerBench \
	  $(addprefix $(CURDIR)/,$(wildcard Sources/QCoordCore/Python/*.swift)) $(CURDIR)/bench/scanner/main.swift -o scanner-bench
	build/scanner-bench.d/scanner-bench $(SCANNER_BENCH_FIXTURES)

# --- bench-hash: tree sync's content hashing (TreeManifest) ---
# A generated tree of BENCH_HASH_FILES files, BENCH_HASH_MB MB in all (build/bench-hash-tree,
# deterministic): MB/s of the manifest (read + SHA-256 of every file) and of hashing alone.
BENCH_HASH_TREE := build/bench-hash-tree
BENCH_HASH_FILES ?= 2000
BENCH_HASH_MB ?= 200
$(BENCH_HASH_TREE).generated-$(BENCH_HASH_FILES)-$(BENCH_HASH_MB): bench/gen-hash-tree.py
	rm -rf $(BENCH_HASH_TREE) $(BENCH_HASH_TREE).generated-*
	python3 bench/gen-hash-tree.py $(BENCH_HASH_TREE) $(BENCH_HASH_FILES) $(BENCH_HASH_MB)
	@touch $@
bench-hash: $(BENCH_HASH_TREE).generated-$(BENCH_HASH_FILES)-$(BENCH_HASH_MB)
	$(BENCH_BUILD)
	@uptime
	$(QCOORD_BENCH) hash $(BENCH_HASH_TREE)

# --- bench-functional: QEMU's tests/functional (issue 16) ---
# list: release `qcoord list tests/functional` vs Python's unittest loader importing every file
# (per file as meson, and in one process), QEMU 10.0 and 10.2. run: `qcoord run --arch` over a
# 3-host testbed holding QEMU 10.0's binaries (h1 x86_64, h2 aarch64, h3 ppc64+riscv64; pycotap
# by `qcoord deploy`) vs the same asset-free tests run serially the meson way. Figures: docs/functional.md.
BENCH_FN_TARGETS ?= x86_64,aarch64,ppc64,riscv64
BENCH_FN_TESTBED := $(CURDIR)/build/testbed-bench-functional
bench-functional: setup qemu-material
	$(BENCH_RELEASE) --product qcoord
	python3 bench/functional.py list $(CURDIR)/$(RELEASE_DIR)/qcoord $(BENCH_RUNS) $(CURDIR)/build/qemu-10.0/src \
	  $(CURDIR)/build/qemu-10.2/src $(CURDIR)/build/qemu-10.0/pylib
	@export QCOORD_TESTBED_DIR=$(BENCH_FN_TESTBED) QCOORD_TESTBED_PREFIX=qcbf QCOORD_TESTBED_NET=10.231.26 \
	    QCOORD_TESTBED_PYTHON=/usr/bin/python3 QCOORD_TESTBED_QEMU_DIR=$(CURDIR)/build/qemu-10.0/bin; \
	  bash deploy/testbed/testbed.sh down >/dev/null; \
	  bash deploy/testbed/testbed.sh up 3 >/dev/null || { bash deploy/testbed/testbed.sh down; exit 1; }; \
	  $(RELEASE_DIR)/qcoord deploy --inventory $(BENCH_FN_TESTBED)/inventory.yaml --known-hosts $(BENCH_FN_TESTBED)/known_hosts \
	    --pip-python $(VENV113)/bin/python >/dev/null && \
	  python3 bench/functional.py run $(CURDIR)/$(RELEASE_DIR)/qcoord $(BENCH_FN_TARGETS) $(CURDIR)/build/qemu-10.0/src \
	    $(CURDIR)/build/qemu-10.0/bin $(CURDIR)/build/qemu-10.0/pylib $(BENCH_FN_TESTBED)/inventory.yaml \
	    $(BENCH_FN_TESTBED)/known_hosts; rc=$$?; \
	  bash deploy/testbed/testbed.sh down >/dev/null; exit $$rc

# --- bench-assets: assets fetched once and pushed (issue 17) ---
# N tests (functional, QEMU 10.0's qemu_test) sharing M assets over a 3-host testbed whose hosts
# all hold qemu-system-x86_64 (qcba, 10.231.30); an asset server on the testbed's bridge behind
# one rate-limited link every download shares (a site's WAN link). qcoord (the coordinator fetches each asset once and
# pushes it to the hosts that run a test needing it) vs every host downloading its own
# (--no-fetch), each from cold caches, side by side in one run. Figures: docs/assets.md.
BENCH_ASSETS ?= 6:16
BENCH_ASSET_TESTS ?= 4
BENCH_ASSET_SLEEP ?= 2
BENCH_ASSET_MBPS ?= 100
BENCH_ASSETS_TESTBED := $(CURDIR)/build/testbed-bench-assets
bench-assets: setup qemu-material
	$(BENCH_RELEASE) --product qcoord
	@export QCOORD_TESTBED_DIR=$(BENCH_ASSETS_TESTBED) QCOORD_TESTBED_PREFIX=qcba QCOORD_TESTBED_NET=10.231.30 \
	    QCOORD_TESTBED_PYTHON=/usr/bin/python3 QCOORD_TESTBED_QEMU_DIR=$(CURDIR)/build/qemu-10.0/bin \
	    QCOORD_TESTBED_ARCH_SETS="x86_64;x86_64;x86_64"; \
	  bash deploy/testbed/testbed.sh down >/dev/null; \
	  bash deploy/testbed/testbed.sh up 3 >/dev/null || { bash deploy/testbed/testbed.sh down; exit 1; }; \
	  $(RELEASE_DIR)/qcoord deploy --inventory $(BENCH_ASSETS_TESTBED)/inventory.yaml --known-hosts $(BENCH_ASSETS_TESTBED)/known_hosts \
	    --pip-python $(VENV113)/bin/python >/dev/null && \
	  python3 bench/assets.py $(CURDIR)/$(RELEASE_DIR)/qcoord $(BENCH_ASSETS_TESTBED) $(CURDIR)/build/qemu-10.0/src \
	    $(CURDIR)/Tests/Fixtures/assets/asset_server.py 10.231.30 $(BENCH_ASSETS) $(BENCH_ASSET_TESTS) $(BENCH_ASSET_SLEEP) \
	    $(BENCH_ASSET_MBPS); rc=$$?; \
	  bash deploy/testbed/testbed.sh down >/dev/null; exit $$rc
