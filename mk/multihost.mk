# `qcoord run` across SSH hosts: the demo cluster and the multi-host integration suite.
.PHONY: demo-cluster test-multihost

# The hosts run tests with the repo's Avocado venv: the testbed shares this machine's files.
MH_PYTHON = $(shell readlink -f $(VENV113))/bin/python

# 3 testbed hosts of its own, examples/tests across them, the report; torn down always.
DEMO_TESTBED_DIR ?= $(CURDIR)/build/testbed-demo
demo-cluster: build
	@export QCOORD_TESTBED_DIR=$(DEMO_TESTBED_DIR) QCOORD_TESTBED_PREFIX=qcdm QCOORD_TESTBED_NET=10.231.11 \
	    QCOORD_TESTBED_PYTHON=$(MH_PYTHON); \
	  bash deploy/testbed/testbed.sh down >/dev/null; \
	  bash deploy/testbed/testbed.sh up 3 || { bash deploy/testbed/testbed.sh down; exit 1; }; \
	  $(QCOORD) hosts --inventory $(DEMO_TESTBED_DIR)/inventory.yaml --known-hosts $(DEMO_TESTBED_DIR)/known_hosts; \
	  $(QCOORD) run --inventory $(DEMO_TESTBED_DIR)/inventory.yaml --known-hosts $(DEMO_TESTBED_DIR)/known_hosts \
	      --job-results-dir $(CURDIR)/build/demo-cluster-results examples/tests; rc=$$?; \
	  $(VENV113)/bin/python -c 'import json,sys; r=json.load(open(sys.argv[1])); \
	    [print("%-75s %-6s %-4s %s" % (t["name"], t["status"], t.get("host"), t.get("qemu_bin") or "-")) for t in r["tests"]]' \
	      $(CURDIR)/build/demo-cluster-results/latest/results.json; \
	  bash deploy/testbed/testbed.sh down; exit $$rc

# The multi-host suite on a 3-host testbed of its own (prefix qcmh, 10.231.9); down always.
# With a chromium, its job's results.html is checked in it too (screenshot in
# build/artifacts/results-html-multihost.png).
MH_TESTBED_DIR ?= $(CURDIR)/build/testbed-multihost
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser)
test-multihost: build
	@export QCOORD_TESTBED_DIR=$(MH_TESTBED_DIR) QCOORD_TESTBED_PREFIX=qcmh QCOORD_TESTBED_NET=10.231.9 \
	    QCOORD_TESTBED_PYTHON=$(MH_PYTHON) QCOORD_MULTIHOST_DIR=$(MH_TESTBED_DIR) \
	    $(if $(CHROMIUM),QCOORD_CHROMIUM=$(CHROMIUM)); \
	  bash deploy/testbed/testbed.sh down >/dev/null; \
	  bash deploy/testbed/testbed.sh up 3 >/dev/null || { bash deploy/testbed/testbed.sh down; exit 1; }; \
	  $(SWIFT) test $(BUILD_FLAGS) --filter 'MultiHostRunTests'; rc=$$?; \
	  bash deploy/testbed/testbed.sh down; exit $$rc

CHECK_TARGETS += test-multihost
