# `qcoord run`: the job report's checks and the run benchmark.

.PHONY: check-results-schema bench-run

# docs/results.schema.json must accept Avocado 113's own results.json files.
check-results-schema: setup
	$(VENV113)/bin/python scripts/validate_results.py Tests/Fixtures/run/avocado113-results.json \
	    Tests/Fixtures/run/avocado113-jobtimeout-results.json
CHECK_TARGETS += check-results-schema

# qcoord run (release build) vs avocado run (113) on the same 200 trivial SIMPLE tests.
bench-run: setup
	$(SWIFT) build -c release --product qcoord $(BUILD_FLAGS)
	scripts/bench-run.sh $(RELEASE_DIR)/qcoord $(VENV113) 200
