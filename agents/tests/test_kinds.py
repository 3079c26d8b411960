"""Each test kind and each status, run by a real agent with real QEMU and Avocado 113.

All tasks are sent at once in setUpClass (the agent runs them concurrently); each test
then checks one task's messages.
"""

import json
import os
import unittest

from tests.driver import EXAMPLES, FIXTURES, AgentProcess

T = os.path.join(EXAMPLES, "tests")
F = os.path.join(EXAMPLES, "failing")


def inst(path, test):
    return {"kind": "INSTRUMENTED", "uri": path, "name": "%s:%s" % (path, test)}


TASKS = {
    "simple-pass": {"kind": "SIMPLE", "uri": os.path.join(T, "simple_version.sh")},
    "simple-fail": {"kind": "SIMPLE", "uri": "simple_fail.sh", "workdir": F},
    "tap-pass": {"kind": "TAP", "uri": os.path.join(T, "tap_targets.sh")},
    "tap-fail": {"kind": "TAP", "uri": os.path.join(F, "tap_fail.sh")},
    "tap-bailout": {"kind": "TAP", "uri": os.path.join(F, "tap_bailout.sh")},
    "tap-skip": {"kind": "TAP", "uri": os.path.join(F, "tap_skip.sh")},
    "tap-mismatch": {"kind": "TAP", "uri": os.path.join(F, "tap_plan_mismatch.sh")},
    "tap-todo": {"kind": "TAP", "uri": os.path.join(F, "tap_todo_pass.sh")},
    "ext-pass": {"kind": "EXTERNAL", "uri": os.path.join(T, "simple_version.sh"), "args": ["/bin/sh"]},
    "ext-fail": {"kind": "EXTERNAL", "uri": "exit 4", "args": ["/bin/sh", "-c"]},
    "unit-pass": {"kind": "PyUNITTEST", "uri": os.path.join(T, "test_unittest_qemu.py"),
                  "name": os.path.join(T, "test_unittest_qemu.py") + ":MachineHelp.test_version_format"},
    "unit-fail": {"kind": "PyUNITTEST", "uri": "unittest_statuses.py", "workdir": F,
                  "name": "unittest_statuses.py:Outcomes.test_fail"},
    "unit-error": {"kind": "PyUNITTEST", "uri": "unittest_statuses.py", "workdir": F,
                   "name": "unittest_statuses.py:Outcomes.test_error"},
    "unit-skip": {"kind": "PyUNITTEST", "uri": "unittest_statuses.py", "workdir": F,
                  "name": "unittest_statuses.py:Outcomes.test_skip"},
    "inst-pass": dict(inst(os.path.join(T, "test_qmp.py"), "X86QMP.test_query_version"), arch="x86_64"),
    "inst-fail": inst(os.path.join(F, "instrumented_statuses.py"), "Statuses.test_fail"),
    "inst-error": inst(os.path.join(F, "instrumented_statuses.py"), "Statuses.test_error"),
    "inst-skip": inst(os.path.join(F, "instrumented_statuses.py"), "Statuses.test_skip"),
    "inst-cancel": inst(os.path.join(F, "instrumented_statuses.py"), "Statuses.test_cancel"),
    "inst-warn": inst(os.path.join(F, "instrumented_statuses.py"), "Statuses.test_warn"),
    "inst-timeout": inst(os.path.join(F, "instrumented_statuses.py"), "Statuses.test_timeout"),
    # machine comes only from the test's `machine:virt` tag: tags must reach the runner.
    "inst-tags": dict(inst(os.path.join(T, "test_qmp.py"), "AArch64VirtQMP.test_query_machines"), arch="aarch64",
                      tags={"arch": ["aarch64"], "machine": ["virt"], "qmp": None, "quick": None}),
    "inst-params": dict(inst(os.path.join(FIXTURES, "params_test.py"), "Params.test_params"),
                        arch="x86_64", params={"greeting": "hi", "override": "run", "machine": "q35"},
                        env={"AVOCADO_ALLOW_UNTRUSTED_CODE": "1"}),
    # No run.qemu_bin: the test does not use QEMU; the user's -p arch / -p qemu_bin are plain params.
    "inst-no-qemu": dict(inst(os.path.join(FIXTURES, "params_test.py"), "Params.test_params"),
                         params={"arch": "ppc", "qemu_bin": "/user/qemu-system-ppc"},
                         env={"AVOCADO_ALLOW_UNTRUSTED_CODE": "1"}),
}


class AgentTasks:
    """Mixin: one agent for the class, every task of TASKS (or only INSTRUMENTED ones) sent at once."""
    python = "113"
    instrumented_only = False

    @classmethod
    def setUpClass(cls):
        cls.agent = AgentProcess()
        cls.ready = cls.agent.hello(python=cls.python, dirs=["/usr/bin"], path_search=False,
                                    params={"from_hello": "h", "override": "hello"})
        for task_id, spec in TASKS.items():
            if cls.instrumented_only and not task_id.startswith("inst-"):
                continue
            spec = dict(spec)
            cls.agent.run(task_id, spec.pop("kind"), spec.pop("uri"), **spec)

    @classmethod
    def tearDownClass(cls):
        cls.agent.close()

    def result(self, task_id):
        fin = self.agent.wait_finished(task_id, timeout=60)
        msgs = self.agent.task_messages(task_id)
        self.assertEqual(msgs[0]["type"], "started", msgs[0])
        self.assertEqual(msgs[-1]["type"], "finished")
        self.assertEqual([m["type"] for m in msgs].count("started"), 1)
        return fin

    def check(self, task_id, status, reason=None):
        fin = self.result(task_id)
        self.assertEqual(fin["status"], status, fin)
        if reason is not None:
            self.assertIn(reason, fin["fail_reason"] or "")
        self.assertGreater(fin["time_s"], 0)
        return fin


class OtherKinds:
    """SIMPLE, TAP, EXTERNAL and PyUNITTEST (no Avocado involved)."""

    # SIMPLE
    def test_simple_pass_keeps_stdout(self):
        self.check("simple-pass", "PASS")
        self.assertIn(b"ok: /usr/bin/qemu-system-", self.agent.output("simple-pass"))

    def test_simple_fail_keeps_both_streams(self):
        self.check("simple-fail", "FAIL", "Exited with status 1")
        self.assertEqual(self.agent.output("simple-fail"), b"about to fail\n")
        self.assertEqual(self.agent.output("simple-fail", "stderr"), b"diagnostics\n")

    # TAP
    def test_tap(self):
        self.check("tap-pass", "PASS")
        self.assertIn(b"ok 1 qemu-system-x86_64", self.agent.output("tap-pass"))
        self.check("tap-fail", "FAIL", "not ok 2 second fails")
        self.check("tap-bailout", "ERROR", "Bail out! lost the device")
        self.check("tap-skip", "SKIP")
        self.check("tap-mismatch", "ERROR", "1..3")
        self.check("tap-todo", "PASS")

    # EXTERNAL
    def test_external(self):
        self.check("ext-pass", "PASS")
        self.check("ext-fail", "FAIL", "Exited with status 4")

    # PyUNITTEST
    def test_pyunittest(self):
        self.check("unit-pass", "PASS")
        self.assertIn(b"test_version_format", self.agent.output("unit-pass", "stderr"))
        self.check("unit-fail", "FAIL", "one is not two")
        self.check("unit-error", "ERROR", "KeyError")
        self.check("unit-skip", "SKIP", "not on this host")


class InstrumentedChecks:
    def test_instrumented_qmp_pass_with_debug_log(self):
        self.check("inst-pass", "PASS")
        started = self.agent.started("inst-pass")
        self.assertEqual(started["qemu_bin"], "/usr/bin/qemu-system-x86_64")
        self.assertEqual(started["arch"], "x86_64")
        self.assertIsInstance(started["pid"], int)
        files = self.agent.files("inst-pass")
        self.assertIn(b"QEMU 7.", files["debug.log"])

    def test_machine_tag_reaches_the_test(self):
        self.check("inst-tags", "PASS")
        self.assertEqual(self.agent.started("inst-tags")["qemu_bin"], "/usr/bin/qemu-system-aarch64")

    def test_instrumented_statuses(self):
        self.check("inst-fail", "FAIL", "expected failure: 1 != 2")
        self.check("inst-error", "ERROR", "an unexpected exception")
        self.check("inst-skip", "SKIP", "skipped by decorator")
        self.check("inst-cancel", "CANCEL", "prerequisite missing")
        self.check("inst-warn", "WARN")
        self.check("inst-timeout", "INTERRUPTED", "Timeout reached")

    def test_params_reach_self_params(self):
        fin = self.check("inst-params", "PASS")
        seen = json.loads(fin["whiteboard"])
        self.assertEqual(seen["qemu_bin"], "/usr/bin/qemu-system-x86_64")
        self.assertEqual(seen["arch"], "x86_64")
        self.assertEqual(seen["machine"], "q35")
        self.assertEqual(seen["from_hello"], "h")         # from hello
        self.assertEqual(seen["greeting"], "hi")          # from run
        self.assertEqual(seen["override"], "run")         # run wins over hello
        self.assertEqual(seen["cwd_binary"], "/usr/bin/qemu-system-x86_64")
        self.assertEqual(seen["env_binary"], "/usr/bin/qemu-system-x86_64")
        self.assertEqual(seen["untrusted"], "1")
        files = self.agent.files("inst-params")
        self.assertEqual(json.loads(files["whiteboard"]), seen)
        data = [n for n in files if n.endswith("seen.json")]
        self.assertEqual(len(data), 1, sorted(files))
        self.assertTrue(data[0].startswith("data/"), data)


    def test_without_qemu_bin_user_params_pass_through(self):
        fin = self.check("inst-no-qemu", "PASS")
        started = self.agent.started("inst-no-qemu")
        self.assertEqual((started["qemu_bin"], started["arch"]), (None, None))
        seen = json.loads(fin["whiteboard"])
        self.assertEqual((seen["qemu_bin"], seen["arch"]), ("/user/qemu-system-ppc", "ppc"))
        self.assertIsNone(seen["env_binary"])
        self.assertIsNone(seen["cwd_binary"])


class Kinds113(AgentTasks, InstrumentedChecks, OtherKinds, unittest.TestCase):
    """Every kind; INSTRUMENTED with Avocado 113 (avocado-runner-avocado-instrumented, params as a variant)."""
    python = "113"


class Instrumented88(AgentTasks, InstrumentedChecks, unittest.TestCase):
    """INSTRUMENTED with Avocado 88.1 (legacy runner, so -p reaches self.params)."""
    python = "88"
    instrumented_only = True


if __name__ == "__main__":
    unittest.main()
