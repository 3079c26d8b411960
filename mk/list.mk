# Static resolution and `qcoord list` (issue 2).
BENCH_CORPUS := build/bench-corpus
BENCH_FILES ?= 320
BENCH_RUNS ?= 5

.PHONY: check-list bench-list

# The list suites alone (they also run in `make check`, through test-swift).
check-list: build
	QCOORD_AVOCADO113=$(CURDIR)/$(VENV113) $(SWIFT) test $(BUILD_FLAGS) \
	  --filter 'TagFilterTests|QEMUTestSelectionTests|DocstringDirectivesTests|PathNameTests|TestResolverTests|LoaderSpecTests|LocalSourceTreeTests|ScannerAsResolverSeesItTests|ListDifferentialTests|ListCommandTests'

$(BENCH_CORPUS)/.generated: scripts/gen-bench-corpus.py
	rm -rf $(BENCH_CORPUS)
	python3 scripts/gen-bench-corpus.py $(BENCH_CORPUS) $(BENCH_FILES)
	@touch $@

# Release `qcoord list` against `avocado list`, each the median of BENCH_RUNS runs.
# A statically linked Swift runtime halves start-up (no dynamic symbol binding), and the
# binary can be copied to a host without Swift.
bench-list: setup $(BENCH_CORPUS)/.generated
	$(SWIFT) build -c release --static-swift-stdlib --product qcoord $(BUILD_FLAGS)
	python3 scripts/bench-list.py $(CURDIR)/$(RELEASE_DIR)/qcoord $(CURDIR)/$(VENV113)/bin/avocado $(BENCH_CORPUS) $(BENCH_RUNS)
