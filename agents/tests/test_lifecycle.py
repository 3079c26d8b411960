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
TIMEOUT = "Test interrupted: Timeout reached"


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


def live_members(pgid):
    """Pids of group `pgid` that are not zombies (an orphan's zombie may wait long for its reaper)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(entry))
    return pids


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

    def test_timeout_s_limits_every_kind(self):
        """The plan's timeout_s is the limit of every kind, INSTRUMENTED included (its own timeout is 120 s)."""
        hang = os.path.join(F, "simple_hang.sh")
        unit = os.path.join(FIXTURES, "hang_unittest.py")
        inst = os.path.join(FIXTURES, "hang_instrumented.py")
        tasks = {"tap": ("TAP", hang, {}), "ext": ("EXTERNAL", "sleep 60", {"args": ["/bin/sh", "-c"]}),
                 "unit": ("PyUNITTEST", unit, {"name": unit + ":Hang.test_hang"}),
                 "inst": ("INSTRUMENTED", inst, {"name": inst + ":Hang.test_hang"})}
        for task_id, (kind, uri, extra) in tasks.items():
            self.agent.run(task_id, kind, uri, timeout_s=3, **extra)
        for task_id in tasks:
            fin = self.agent.wait_finished(task_id, timeout=15)
            self.assertEqual((fin["status"], fin["fail_reason"]), ("INTERRUPTED", TIMEOUT), (task_id, fin))
            self.assertGreaterEqual(fin["time_s"], 3)
            self.assertLess(fin["time_s"], 6, task_id)
            self.assertTrue(group_gone(self.agent.started(task_id)["pid"]), task_id)

    def test_timeout_param_is_only_a_param(self):
        """`-p timeout` is folded into timeout_s by the plan: the agent no longer enforces it."""
        self.agent.run("param", "EXTERNAL", "sleep 1.5; echo \"$0\"", args=["/bin/sh", "-c"],
                       params={"timeout": "0.5"})
        fin = self.agent.wait_finished("param", timeout=10)
        self.assertEqual(fin["status"], "PASS", fin)
        self.assertGreaterEqual(fin["time_s"], 1.5)

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

    def test_link_end_exits_within_3s_with_the_default_grace(self):
        """stdin EOF: every group is gone and the agent has exited within 3 s, even with the
        default 3 s kill grace and a test that ignores SIGTERM."""
        agent = AgentProcess(env={"QCOORD_KILL_GRACE_S": "3"})
        agent.hello(dirs=["/usr/bin"], path_search=False)
        agent.run("stubborn", "SIMPLE", os.path.join(FIXTURES, "ignore_term.sh"))
        agent.run("bg", "SIMPLE", os.path.join(FIXTURES, "qemu_background.sh"), arch="x86_64", args=["wait"])
        stubborn = wait_for_pid(agent, "stubborn", "pid")
        qemu = wait_for_pid(agent, "bg", "qemu-pid")
        groups = [agent.started(t)["pid"] for t in ("stubborn", "bg")]
        t0 = time.monotonic()
        agent.proc.stdin.close()
        agent.proc.wait(10)
        self.assertLess(time.monotonic() - t0, 3.0)
        self.assertEqual(agent.proc.returncode, 0)
        agent.reader.join(5)
        for pid in (stubborn, qemu):
            self.assertFalse(pid_alive(pid), "%d survived the end of the link" % pid)
        for pgid in groups:
            self.assertEqual(live_members(pgid), [], "group %d survived the end of the link" % pgid)
        self.assertEqual(agent.finished["bg"]["status"], "INTERRUPTED")
        self.assertEqual(agent.finished["stubborn"]["fail_reason"], "Test interrupted: agent shutting down")
        agent.close()

    def test_a_silent_coordinator_is_a_link_end(self):
        """No line from the coordinator for coordinator_idle_limit_s (a cut network: no EOF ever
        comes): the agent stops every test and exits; heartbeats keep it going."""
        agent = AgentProcess(env={"QCOORD_KILL_GRACE_S": "3"})
        agent.hello(dirs=["/usr/bin"], path_search=False, coordinator_idle_limit_s=1.5)
        agent.run("stubborn", "SIMPLE", os.path.join(FIXTURES, "ignore_term.sh"))
        stubborn = wait_for_pid(agent, "stubborn", "pid")
        group = agent.started("stubborn")["pid"]
        # Heartbeats every half second for 3 s: still running.
        for _ in range(6):
            agent.send({"type": "heartbeat"})
            time.sleep(0.5)
        self.assertIsNone(agent.proc.poll(), "the agent left while the coordinator was beating")
        self.assertTrue(pid_alive(stubborn))
        t0 = time.monotonic()
        agent.proc.wait(10)
        # Silent past 1.5 s, then the same 3 s exit as at EOF.
        self.assertLess(time.monotonic() - t0, 1.5 + 3.0)
        self.assertEqual(agent.proc.returncode, 0)
        self.assertFalse(pid_alive(stubborn), "%d survived a silent coordinator" % stubborn)
        self.assertEqual(live_members(group), [])
        agent.close()

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


class InheritedSignalMaskTests(unittest.TestCase):
    """qcoord's Swift process starts the local agent with nearly every signal blocked: the
    tests (and their QEMUs) must not inherit that, or a cancel's SIGTERM never reaches them."""

    def test_tests_start_with_no_blocked_signal(self):
        block = lambda: signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
        agent = AgentProcess(preexec_fn=block)
        try:
            agent.hello()
            # With a qemu_bin the task may start a QEMU: it is forked with a PR_SET_PDEATHSIG
            # set-up, the path that kept the agent's mask.
            agent.run("mask", "SIMPLE", os.path.join(FIXTURES, "sigmask.py"), arch="x86_64")
            fin = agent.wait_finished("mask", timeout=10)
            self.assertEqual(fin["status"], "PASS")
            self.assertIn(b"SigBlk:\t0000000000000000", agent.output("mask"))
        finally:
            agent.close()
