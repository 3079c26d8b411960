# The agent's own CPU per trivial task (a real agent process, 60 vs 300 SIMPLE tasks, 2 at a
# time; CPU of its threads from /proc, medians of 3): the per-test cost behind `make bench-ssh`.
.PHONY: bench-agent
bench-agent:
	@uptime
	python3 scripts/bench-agent.py agents/qcoord_agent.py --python $${QCOORD_AGENT_PYTHON:-/usr/bin/python3}
