"""Chunking of output and files, file-name safety, the plan's QEMU binary, environment, robustness."""

import base64
import os
import shutil
import socket
import sys
import tempfile
import unittest

from tests.driver import EXAMPLES, FIXTURES, AgentProcess

import qcoord_agent

F = os.path.join(EXAMPLES, "failing")
ENV_DUMP = os.path.join(FIXTURES, "env_dump.sh")


class Agent(unittest.TestCase):
    hello = {"dirs": ["/usr/bin"], "path_search": False}

    def setUp(self):
        self.agent = AgentProcess()
        self.addCleanup(self.agent.close)
        self.agent.hello(**self.hello)

    def env_of(self, task_id):
        out = self.agent.output(task_id).decode()
        return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


class Chunking(Agent):
    def test_big_binary_output_and_files_travel_in_bounded_chunks(self):
        self.agent.run("big", "SIMPLE", os.path.join(FIXTURES, "big_output.sh"))
        fin = self.agent.wait_finished("big")
        self.assertEqual(fin["status"], "PASS", fin)
        out = self.agent.output("big")
        self.assertEqual(len(out), 307200)
        files = self.agent.files("big")
        self.assertEqual(files["stdout.copy"], out)  # byte-exact, non-UTF-8 included
        self.assertEqual(len(files["data/sub/big.bin"]), 204800)
        self.assertEqual(files["data/empty"], b"")
        self.assertEqual(files["data/..dots"], b"dots")
        self.assertNotIn("data/passwd-link", files)  # symlinks never travel
        for name in files:
            self.assertEqual(qcoord_agent.safe_relative_name(name), name)
        chunks = [m for m in self.agent.task_messages("big") if m["type"] in ("output", "file")]
        self.assertTrue(all(len(base64.b64decode(m["data_b64"])) <= qcoord_agent.CHUNK_BYTES for m in chunks))
        self.assertGreater(sum(1 for m in chunks if m.get("name") == "data/sub/big.bin"), 4)
        self.assertLess(max(self.agent.raw_lengths), 70 * 1024)


class PlanChoice(Agent):
    """run.qemu_bin / run.arch are the plan's choice: the agent uses exactly them, never searches."""

    def started(self, task_id):
        fin = self.agent.wait_finished(task_id)
        return fin, self.agent.started(task_id)

    def test_qemu_bin_given_and_present(self):
        self.agent.run("given", "SIMPLE", ENV_DUMP, arch="ppc", qemu_bin="/usr/bin/qemu-system-ppc")
        fin, started = self.started("given")
        self.assertEqual(fin["status"], "PASS", fin)
        self.assertEqual((started["qemu_bin"], started["arch"]), ("/usr/bin/qemu-system-ppc", "ppc"))
        self.assertIsInstance(started["pid"], int)
        self.assertEqual(self.env_of("given")["QEMU_TEST_QEMU_BINARY"], "/usr/bin/qemu-system-ppc")

    def test_no_qemu_bin_means_no_qemu(self):
        """Without run.qemu_bin: no binary, no arch, no search, whatever run.arch or -p say."""
        self.agent.run("plain", "SIMPLE", ENV_DUMP, env={"PATH": "/bin:/usr/bin"})
        self.agent.run("arch-only", "SIMPLE", ENV_DUMP, arch="x86_64", qemu_bin=None,
                       params={"arch": "sparc64", "qemu_bin": "/nonexistent/qemu-system-sparc64"})
        for task_id in ("plain", "arch-only"):
            fin, started = self.started(task_id)
            self.assertEqual(fin["status"], "PASS", fin)
            self.assertIsNone(started["qemu_bin"])
            self.assertIsNone(started["arch"])
            self.assertIsInstance(started["pid"], int)
            self.assertEqual(self.env_of(task_id)["QEMU_TEST_QEMU_BINARY"], "")

    def test_qemu_bin_that_is_not_an_executable_file_cancels(self):
        missing = os.path.join(tempfile.gettempdir(), "qcoord-none", "qemu-system-sparc64")
        uri = os.path.join(F, "needs_sparc64.py")
        self.agent.run("sparc", "INSTRUMENTED", uri, name=uri + ":Sparc64.test_version", arch="sparc64",
                       qemu_bin=missing)
        self.agent.run("noexec", "SIMPLE", ENV_DUMP, arch="ppc", qemu_bin=ENV_DUMP + ".missing")
        fin, started = self.started("sparc")
        self.assertEqual(fin["status"], "CANCEL")
        self.assertEqual(fin["fail_reason"], "qemu-system binary %s (sparc64) is not an executable file on host %s"
                         % (missing, socket.gethostname()))
        self.assertIsNone(started["pid"])
        self.assertEqual((started["qemu_bin"], started["arch"]), (missing, "sparc64"))
        self.assertEqual(self.started("noexec")[0]["status"], "CANCEL")


class VanishedBinary(unittest.TestCase):
    def test_a_binary_removed_after_ready_cancels_with_the_reason(self):
        d = tempfile.mkdtemp(prefix="qcoord-bins-")
        self.addCleanup(shutil.rmtree, d, True)
        binary = os.path.join(d, "qemu-system-ppc")
        os.symlink("/usr/bin/qemu-system-ppc", binary)
        agent = AgentProcess()
        self.addCleanup(agent.close)
        ready = agent.hello(dirs=[d], path_search=False, host_name="h2")
        self.assertEqual(ready["qemu"]["ppc"]["path"], binary)
        agent.run("there", "SIMPLE", ENV_DUMP, arch="ppc", qemu_bin=binary)
        self.assertEqual(agent.wait_finished("there")["status"], "PASS")
        os.unlink(binary)
        agent.run("gone", "SIMPLE", ENV_DUMP, arch="ppc", qemu_bin=binary)
        fin = agent.wait_finished("gone")
        self.assertEqual(fin["status"], "CANCEL")
        self.assertEqual(fin["fail_reason"], "qemu-system binary %s (ppc) is not on host h2 any more "
                         "(it was there when the job started)" % binary)
        self.assertIsNone(agent.started("gone")["pid"])
        self.assertEqual([m["type"] for m in agent.task_messages("gone")], ["started", "finished"])


class HostName(unittest.TestCase):
    """hello.host_name names the host in every reason the agent writes."""

    def test_reasons_use_host_name(self):
        a = AgentProcess(env={"HOME": tempfile.gettempdir(), "PATH": "/usr/bin:/bin"})
        self.addCleanup(a.close)
        a.hello(python=sys.executable, dirs=["/usr/bin"], path_search=False, host_name="h2")
        uri = os.path.join(EXAMPLES, "tests", "test_qmp.py")
        a.run("noavocado", "INSTRUMENTED", uri, name=uri + ":X86QMP.test_query_version", arch="x86_64")
        a.run("missing", "SIMPLE", "/nonexistent/test.sh")
        a.run("missing-unit", "PyUNITTEST", "/nonexistent/t.py", name="/nonexistent/t.py:A.test")
        a.run("gone", "SIMPLE", ENV_DUMP, arch="ppc", qemu_bin="/nonexistent/qemu-system-ppc")
        self.assertIn("Avocado is not installed on host h2:", a.wait_finished("noavocado")["fail_reason"])
        self.assertEqual(a.wait_finished("missing")["fail_reason"], "test file /nonexistent/test.sh not found on host h2")
        self.assertEqual(a.wait_finished("missing-unit")["fail_reason"], "test file /nonexistent/t.py not found on host h2")
        self.assertEqual(a.wait_finished("gone")["fail_reason"],
                         "qemu-system binary /nonexistent/qemu-system-ppc (ppc) is not an executable file on host h2")


class Environment(Agent):
    def test_hello_env_then_run_env(self):
        a = AgentProcess()
        self.addCleanup(a.close)
        a.hello(path_search=False, env={"FROM_HELLO": "h", "SPEED": "slow", "FROM_RUN": "hello"})
        a.run("env", "SIMPLE", ENV_DUMP, env={"FROM_RUN": "run", "AVOCADO_ALLOW_UNTRUSTED_CODE": "1"})
        self.assertEqual(a.wait_finished("env")["status"], "PASS")
        out = a.output("env").decode()
        for line in ("FROM_HELLO=h", "SPEED=slow", "FROM_RUN=run", "AVOCADO_ALLOW_UNTRUSTED_CODE=1"):
            self.assertIn(line, out.splitlines())


class Robustness(Agent):
    def test_bad_runs_end_in_error_not_a_crash(self):
        self.agent.run("kind", "BOGUS", ENV_DUMP)
        self.agent.run("missing", "SIMPLE", "/nonexistent/test.sh")
        self.agent.run("nouri", "SIMPLE", "")
        self.agent.run("badtimeout", "SIMPLE", ENV_DUMP, timeout_s="soon")
        self.agent.run("noclass", "PyUNITTEST", os.path.join(F, "unittest_statuses.py"))
        self.agent.run("notexec", "SIMPLE", os.path.join(F, "needs_sparc64.py"))
        self.agent.run("badparams", "SIMPLE", ENV_DUMP, params=["not", "a", "map"])
        self.agent.run("badqemu", "SIMPLE", ENV_DUMP, qemu_bin=["/usr/bin/qemu-system-ppc"])
        for task_id, reason in (("badparams", "invalid run message"), ("kind", "BOGUS"), ("missing", "not found"), ("nouri", "uri"),
                                ("badtimeout", "timeout_s"), ("noclass", "Class.method"),
                                ("notexec", "cannot start"), ("badqemu", "qemu_bin must be a string or null")):
            fin = self.agent.wait_finished(task_id)
            self.assertEqual(fin["status"], "ERROR", fin)
            self.assertIn(reason, fin["fail_reason"])
        self.agent.run("ok", "SIMPLE", "/bin/true")
        self.agent.send({"type": "run", "kind": "SIMPLE", "uri": "/bin/true"})  # no task_id
        self.assertIn("task_id", self.agent.next("error", skip=("heartbeat", "started", "finished"))["message"])
        self.assertEqual(self.agent.wait_finished("ok")["status"], "PASS")

    def test_duplicate_task_id_is_rejected(self):
        self.agent.run("dup", "SIMPLE", os.path.join(F, "simple_hang.sh"), timeout_s=1)
        self.agent.run("dup", "SIMPLE", "/bin/true")
        err = self.agent.next("error", skip=("heartbeat", "started", "output"))
        self.assertIn("dup", err["message"])
        self.assertEqual(self.agent.wait_finished("dup")["status"], "INTERRUPTED")

    def test_no_avocado_is_an_error_with_install_hint(self):
        a = AgentProcess(env={"HOME": tempfile.gettempdir(), "PATH": "/usr/bin:/bin"})
        self.addCleanup(a.close)
        a.hello(python=sys.executable, dirs=["/usr/bin"], path_search=False)
        uri = os.path.join(EXAMPLES, "tests", "test_qmp.py")
        a.run("noavocado", "INSTRUMENTED", uri, name=uri + ":X86QMP.test_query_version", arch="x86_64")
        fin = a.wait_finished("noavocado")
        self.assertEqual(fin["status"], "ERROR")
        self.assertIn("pip install avocado-framework", fin["fail_reason"])


class ExamplesThroughAgent(Agent):
    """examples/tests, every test, through the agent with Avocado 113: all PASS."""

    def test_all_examples_pass(self):
        t = os.path.join(EXAMPLES, "tests")
        tests = [("SIMPLE", "simple_version.sh", None, None), ("TAP", "tap_targets.sh", None, None),
                 ("PyUNITTEST", "test_unittest_qemu.py", "MachineHelp.test_machine_help_lists_machines", None),
                 ("PyUNITTEST", "test_unittest_qemu.py", "MachineHelp.test_version_format", None)]
        for cls, arch, methods in (("X86QMP", "x86_64", ("test_query_version", "test_query_machines",
                                                         "test_query_cpu_definitions")),
                                   ("AArch64VirtQMP", "aarch64", ("test_query_machines", "test_query_cpus",
                                                                  "test_human_monitor"))):
            tests += [("INSTRUMENTED", "test_qmp.py", cls + "." + m, arch) for m in methods]
        tests.append(("INSTRUMENTED", "test_console.py", "OpenBIOSConsole.test_openbios_banner", "ppc"))
        tags = {"X86QMP": {"arch": ["x86_64"], "qmp": None, "quick": None},
                "AArch64VirtQMP": {"arch": ["aarch64"], "machine": ["virt"], "qmp": None, "quick": None},
                "OpenBIOSConsole": {"arch": ["ppc"], "machine": ["g3beige"], "console": None}}
        for i, (kind, uri, test, arch) in enumerate(tests):
            name = "%s:%s" % (uri, test) if test else uri
            self.agent.run(str(i), kind, uri, name=name, arch=arch, workdir=t, timeout_s=30,
                           tags=tags.get((test or "").split(".")[0], {}))
        for i, (kind, uri, test, arch) in enumerate(tests):
            fin = self.agent.wait_finished(str(i), timeout=60)
            self.assertEqual(fin["status"], "PASS", (uri, test, fin, self.agent.output(str(i), "stderr")[-2000:]))



class TaskDirs(Agent):
    """A task dir its test left as made serves the next task; one with leftovers never does."""
    TASK_DIRS = os.path.join(FIXTURES, "task_dirs.sh")
    hello = {"dirs": [], "path_search": False}

    def run_one(self, task_id, *args):
        self.agent.run(task_id, "SIMPLE", self.TASK_DIRS, args=list(args))
        self.assertEqual(self.agent.wait_finished(task_id)["status"], "PASS")
        return self.env_of(task_id)

    def test_clean_dir_is_reused_and_leftovers_are_not_seen(self):
        first = self.run_one("1")
        second = self.run_one("2")
        self.assertEqual(second["TMPDIR"], first["TMPDIR"], "a clean task dir was not reused")
        self.assertEqual(second["LEFT"], "")
        dirty = self.run_one("3", "leave")
        self.assertEqual(dirty["TMPDIR"], first["TMPDIR"])
        after = self.run_one("4")
        self.assertNotEqual(after["TMPDIR"], dirty["TMPDIR"], "a dir with leftovers was reused")
        self.assertEqual(after["LEFT"], "")
        self.assertFalse(os.path.exists(dirty["TMPDIR"]), "the dirty task dir was not removed")


if __name__ == "__main__":
    unittest.main()
