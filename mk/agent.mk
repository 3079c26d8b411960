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
