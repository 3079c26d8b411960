"""Timeouts, cancel, shutdown, stdin EOF and a SIGKILLed agent: no process survives."""

import os
import re
import shutil
import signal
import tempfile
import time
import unittest

from tests.driver import EXAMPLES, FIXTURES, AgentProcess, pid_alive, wait_dead

F = os.path.join(EXAMPLES, "failing")


def wait_for_pid(agent, task_id, label, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.search(label.encode() + rb"=(\d+)", agent.output(task_id))
        if m:
            return int(m.group(1))
        if task_id in agent.finished:
            raise AssertionError("task ended before printing %s: %r" % (label, agent.finished[task_id]))
        time.sleep(0.05)
    raise AssertionError("no %s= line from %s" % (label, task_id))


def group_gone(pgid, timeout=2.0):
    """True once no process of group `pgid` is left (killed members may take a moment to be reaped)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


class Timeouts(unittest.TestCase):
    def setUp(self):
        self.agent = AgentProcess()
        self.addCleanup(self.agent.close)
        self.agent.hello(dirs=["/usr/bin"], path_search=False)

    def test_simple_timeout_interrupts_and_kills_the_group(self):
        self.agent.run("hang", "SIMPLE", os.path.join(F, "simple_hang.sh"), timeout_s=1)
        fin = self.agent.wait_finished("hang", timeout=10)
        self.assertEqual(fin["status"], "INTERRUPTED")
        self.assertEqual(fin["fail_reason"], "Test interrupted: Timeout reached")
        self.assertLess(fin["time_s"], 4)
        self.assertTrue(group_gone(self.agent.started("hang")["pid"]))

    def test_timeout_param_limits_a_simple_test(self):
        self.agent.run("hang-param", "SIMPLE", os.path.join(F, "simple_hang.sh"), params={"timeout": "1"})
        fin = self.agent.wait_finished("hang-param", timeout=10)
        self.assertEqual(fin["status"], "INTERRUPTED")
        self.assertEqual(fin["fail_reason"], "Test interrupted: Timeout reached")

    def test_sigterm_ignoring_test_gets_sigkill(self):
        self.agent.run("stubborn", "SIMPLE", os.path.join(FIXTURES, "ignore_term.sh"), timeout_s=1)
        fin = self.agent.wait_finished("stubborn", timeout=10)
        self.assertEqual(fin["status"], "INTERRUPTED")
        self.assertGreaterEqual(fin["time_s"], 1.9)  # timeout + 1 s grace before SIGKILL
        self.assertTrue(wait_dead(wait_for_pid(self.agent, "stubborn", "pid"), 2))

    def test_instrumented_qemu_timeout_leaves_no_qemu(self):
        uri = os.path.join(F, "qemu_timeout.py")
        self.agent.run("qemu-hang", "INSTRUMENTED", uri, name=uri + ":HangingGuest.test_hang",
                       arch="x86_64", timeout_s=4)
        qemu = wait_for_pid(self.agent, "qemu-hang", "qemu-pid")
        self.assertTrue(pid_alive(qemu))
        fin = self.agent.wait_finished("qemu-hang", timeout=15)
        self.assertEqual(fin["status"], "INTERRUPTED")
        self.assertEqual(fin["fail_reason"], "Test interrupted: Timeout reached")
        self.assertTrue(wait_dead(qemu, 1), "QEMU %d survived its test's timeout" % qemu)

    def test_leftover_qemu_of_a_passing_test_is_killed(self):
        self.agent.run("leftover", "SIMPLE", os.path.join(FIXTURES, "qemu_background.sh"), arch="x86_64")
        fin = self.agent.wait_finished("leftover", timeout=10)
        self.assertEqual(fin["status"], "PASS")
        qemu = wait_for_pid(self.agent, "leftover", "qemu-pid")
        self.assertTrue(wait_dead(qemu, 2), "QEMU %d left behind" % qemu)

    def test_cancel_interrupts(self):
        self.agent.run("c", "SIMPLE", os.path.join(F, "simple_hang.sh"))
        self.agent.next("started")
        self.agent.send({"type": "cancel", "task_id": "c"})
        fin = self.agent.wait_finished("c", timeout=10)
        self.assertEqual(fin["status"], "INTERRUPTED")
        self.assertIn("cancel", fin["fail_reason"])
        self.agent.send({"type": "cancel", "task_id": "unknown"})  # harmless
        self.agent.run("after", "SIMPLE", "/bin/true")
        self.assertEqual(self.agent.wait_finished("after")["status"], "PASS")
        self.assertEqual(self.agent.errors(), [])


class AgentExit(unittest.TestCase):
    def start_qemu_task(self, env=None):
        agent = AgentProcess(env=env)
        agent.hello(dirs=["/usr/bin"], path_search=False)
        agent.run("bg", "SIMPLE", os.path.join(FIXTURES, "qemu_background.sh"), arch="x86_64", args=["wait"])
        qemu = wait_for_pid(agent, "bg", "qemu-pid")
        self.assertTrue(pid_alive(qemu))
        return agent, qemu

    def test_stdin_eof_exits_and_kills_groups(self):
        agent, qemu = self.start_qemu_task()
        t0 = time.monotonic()
        self.assertEqual(agent.close(), 0)
        self.assertLess(time.monotonic() - t0, 6)
        self.assertTrue(wait_dead(qemu, 3), "QEMU %d survived stdin EOF" % qemu)

    def test_shutdown_message(self):
        agent, qemu = self.start_qemu_task()
        agent.send({"type": "shutdown"})
        self.assertEqual(agent.proc.wait(8), 0)
        fin = agent.finished.get("bg")
        self.assertIsNotNone(fin)
        self.assertEqual(fin["status"], "INTERRUPTED")
        self.assertTrue(wait_dead(qemu, 3), "QEMU %d survived shutdown" % qemu)
        agent.close()

    def test_sigkilled_agent_takes_its_qemu_along(self):
        tmp = tempfile.mkdtemp(prefix="qcoord-tmpdir-")
        self.addCleanup(shutil.rmtree, tmp, True)
        agent, qemu = self.start_qemu_task(env={"TMPDIR": tmp})
        self.assertEqual(len(os.listdir(tmp)), 1)  # the job's temp dir
        os.kill(agent.proc.pid, signal.SIGKILL)
        agent.proc.wait(5)
        self.assertTrue(wait_dead(qemu, 5), "QEMU %d survived the agent's SIGKILL" % qemu)
        deadline = time.monotonic() + 3
        while os.listdir(tmp) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(os.listdir(tmp), [], "the guardian left the job's temp dir behind")
        agent.close()

    def test_sigkilled_agent_takes_instrumented_qemu_along(self):
        agent = AgentProcess()
        agent.hello(dirs=["/usr/bin"], path_search=False)
        uri = os.path.join(F, "qemu_timeout.py")
        agent.run("i", "INSTRUMENTED", uri, name=uri + ":HangingGuest.test_hang", arch="x86_64")
        qemu = wait_for_pid(agent, "i", "qemu-pid")
        runner = agent.started("i")["pid"]
        os.kill(agent.proc.pid, signal.SIGKILL)
        agent.proc.wait(5)
        self.assertTrue(wait_dead(qemu, 5), "QEMU %d survived the agent's SIGKILL" % qemu)
        self.assertTrue(wait_dead(runner, 2), "runner %d survived the agent's SIGKILL" % runner)
        agent.close()

    def test_sigterm_to_agent_kills_groups(self):
        agent, qemu = self.start_qemu_task()
        os.kill(agent.proc.pid, signal.SIGTERM)
        agent.proc.wait(8)
        self.assertTrue(wait_dead(qemu, 3), "QEMU %d survived the agent's SIGTERM" % qemu)
        agent.close()


if __name__ == "__main__":
    unittest.main()
