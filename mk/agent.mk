# The agent (agents/qcoord_agent.py), its protocol fixtures and the example suite.
# `test-agent` (unit tests + the Python 3.8 floor) is in the main Makefile.

.PHONY: protocol-transcript check-examples-avocado

# Re-records the real agent session the Swift protocol tests decode.
protocol-transcript: setup
	python3 agents/tests/record_transcript.py > Tests/Fixtures/protocol/agent-transcript.jsonl

# examples/tests must pass under the real Avocado 113 too, not only through qcoord.
check-examples-avocado: setup
	@rm -rf build/examples-avocado
	$(VENV113)/bin/avocado run --job-results-dir build/examples-avocado examples/tests
CHECK_TARGETS += check-examples-avocado

# The agent must run on Python 3.8 (old distros on aarch64/s390x/ppc64le hosts): when a
# 3.8 interpreter is around, drive the agent with it (the driver runs the agent with
# the interpreter that runs the tests).
PYTHON38 ?= $(shell for p in $$(command -v python3.8) $$HOME/.pyenv/versions/3.8*/bin/python; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 8)' 2>/dev/null && { echo "$$p"; break; }; done)
.PHONY: test-agent-py38
test-agent-py38: setup
	@if [ -z "$(PYTHON38)" ]; then echo "test-agent-py38: no python3.8 here, skipped (vermin still checks the floor)"; \
	else cd agents && $(PYTHON38) -m unittest tests.test_units tests.test_transport; fi
CHECK_TARGETS += test-agent-py38
