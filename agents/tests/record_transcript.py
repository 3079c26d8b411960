"""Records a real agent session as JSON lines for the Swift decoder tests.

    python3 agents/tests/record_transcript.py > Tests/Fixtures/protocol/agent-transcript.jsonl

Every line the agent printed is kept as is (a line of the coordinator's, too, marked
by a leading "> "), so the Swift side is tested against the agent's actual output.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.driver import EXAMPLES, FIXTURES, AgentProcess  # noqa: E402


def main():
    a = AgentProcess()
    sent = []
    orig_send_raw = a.send_raw

    def send_raw(data):
        sent.append(data)
        orig_send_raw(data)

    a.send_raw = send_raw
    a.send_raw(b"{oops\n")
    a.next("error")
    a.hello(dirs=["/usr/bin"], path_search=False, params={"machine": "q35"},
            env={"AVOCADO_ALLOW_UNTRUSTED_CODE": "1"}, host_name="h1")
    t = os.path.join(EXAMPLES, "tests")
    f = os.path.join(EXAMPLES, "failing")
    a.run("1", "SIMPLE", "simple_version.sh", workdir=t, arch="x86_64")
    a.run("2", "SIMPLE", os.path.join(f, "simple_fail.sh"))
    a.run("3", "TAP", os.path.join(f, "tap_fail.sh"))
    uri = os.path.join(FIXTURES, "params_test.py")
    a.run("4", "INSTRUMENTED", uri, name=uri + ":Params.test_params", arch="x86_64",
          params={"greeting": "hi"}, tags={"arch": ["x86_64"]})
    a.run("5", "SIMPLE", os.path.join(f, "simple_hang.sh"), timeout_s=30)
    # The plan's binary is gone from the host: CANCEL before the test starts.
    a.run("6", "SIMPLE", os.path.join(f, "simple_hang.sh"), arch="sparc64",
          qemu_bin="/nonexistent/qemu-system-sparc64")
    for task in ("1", "2", "3", "4", "6"):
        a.wait_finished(task, timeout=60)
    a.send({"type": "cancel", "task_id": "5"})
    a.wait_finished("5")
    time.sleep(1.1)  # at least one heartbeat
    a.close()
    for data in sent:
        sys.stdout.write("> " + data.decode())
    for line in a.raw_lines:
        sys.stdout.write(line.decode())


if __name__ == "__main__":
    main()
