"""hello → ready: host facts, QEMU binaries, Avocado detection, protocol errors."""

import os
import platform
import re
import shutil
import socket
import sys
import tempfile
import time
import unittest

from tests.driver import AgentProcess, venv_python

import qcoord_agent


def make_bin_dir(test):
    d = tempfile.mkdtemp(prefix="qcoord-bins-")
    test.addCleanup(shutil.rmtree, d, True)
    os.symlink("/usr/bin/qemu-system-x86_64", os.path.join(d, "qemu-system-x86_64"))
    os.symlink("/usr/bin/qemu-system-aarch64", os.path.join(d, "qemu-system-aarch64"))
    with open(os.path.join(d, "qemu-system-noexec"), "w") as f:  # not executable
        f.write("#!/bin/sh\necho QEMU emulator version 1.0\n")
    with open(os.path.join(d, "qemu-system-broken"), "w") as f:  # does not answer --version
        f.write("#!/bin/sh\nexit 1\n")
    os.chmod(os.path.join(d, "qemu-system-broken"), 0o755)
    return d


class Ready(unittest.TestCase):
    def agent(self, **kw):
        a = AgentProcess(**kw)
        self.addCleanup(a.close)
        return a

    def test_host_facts_and_configured_dirs_only(self):
        d = make_bin_dir(self)
        a = self.agent()
        ready = a.hello(dirs=[d], path_search=False)
        self.assertEqual(ready["version"], 2)
        self.assertEqual(ready["host"], socket.gethostname())
        self.assertEqual(ready["arch"], qcoord_agent.normalize_arch(platform.machine()))
        self.assertEqual(ready["cpus"], len(os.sched_getaffinity(0)))
        self.assertEqual(ready["kvm"], os.access("/dev/kvm", os.R_OK | os.W_OK))
        self.assertEqual(ready["python"], platform.python_version())
        self.assertEqual(ready["avocado"], "113.0")
        self.assertEqual(sorted(ready["qemu"]), ["aarch64", "x86_64"])
        for arch, info in ready["qemu"].items():
            self.assertEqual(info["path"], os.path.join(d, "qemu-system-" + arch))
            self.assertRegex(info["version"], r"^\d+\.\d+\.\d+")
        # The job's sysinfo/<host>/: uname, the CPU, memory, the OS.
        sysinfo = ready["sysinfo"]
        self.assertEqual(sysinfo["uname"], " ".join(os.uname()))
        self.assertIn("count: %d" % os.cpu_count(), sysinfo["cpu"])
        self.assertRegex(sysinfo["cpu"], r"^model: .+")
        self.assertRegex(sysinfo["memory"], r"^\d+ kB$")
        self.assertTrue(sysinfo["os"])

    def test_path_search_after_dirs_and_overrides_first(self):
        d = make_bin_dir(self)
        a = self.agent(env={"PATH": "/usr/bin:/bin"})
        ready = a.hello(dirs=[d], path_search=True,
                        overrides={"ppc64le": "/usr/bin/qemu-system-ppc64"})
        qemu = ready["qemu"]
        self.assertEqual(qemu["x86_64"]["path"], os.path.join(d, "qemu-system-x86_64"))
        self.assertEqual(qemu["riscv64"]["path"], "/usr/bin/qemu-system-riscv64")
        self.assertEqual(qemu["ppc64"]["path"], "/usr/bin/qemu-system-ppc64")  # override, arch normalized
        self.assertNotIn("broken", qemu)
        self.assertNotIn("noexec", qemu)
        self.assertNotIn("x86_64-microvm", qemu)

    def test_dirs_in_order_first_found_per_arch_wins(self):
        """The coordinator sends the build dir, the test tree and its parents (each with build/)."""
        first = make_bin_dir(self)
        tree = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "tree")
        tests = os.path.join(tree, "tests")
        dirs = [tests, os.path.join(tests, "build"), tree, os.path.join(tree, "build"), "/nonexistent"]
        a = self.agent()
        qemu = a.hello(dirs=dirs + [first], path_search=False)["qemu"]
        self.assertEqual(qemu["x86_64"]["path"], os.path.join(tree, "build", "qemu-system-x86_64"))
        self.assertEqual(qemu["aarch64"]["path"], os.path.join(first, "qemu-system-aarch64"))
        b = self.agent()
        qemu = b.hello(dirs=[first] + dirs, path_search=False)["qemu"]
        self.assertEqual(qemu["x86_64"]["path"], os.path.join(first, "qemu-system-x86_64"))

    def test_host_name_does_not_change_ready_host(self):
        a = self.agent()
        self.assertEqual(a.hello(path_search=False, host_name="h2")["host"], socket.gethostname())

    def test_avocado_88_through_configured_python(self):
        a = self.agent()
        self.assertEqual(a.hello(python="88", path_search=False)["avocado"], "88.1")

    def test_avocado_on_path(self):
        bindir = os.path.dirname(venv_python("113"))
        a = self.agent(env={"PATH": bindir + ":/usr/bin:/bin"})
        self.assertEqual(a.hello(python=None, path_search=False)["avocado"], "113.0")

    def test_avocado_in_home_local_bin(self):
        home = tempfile.mkdtemp(prefix="qcoord-home-")
        self.addCleanup(shutil.rmtree, home, True)
        os.makedirs(os.path.join(home, ".local", "bin"))
        os.symlink(os.path.join(os.path.dirname(venv_python("88")), "avocado"),
                   os.path.join(home, ".local", "bin", "avocado"))
        a = self.agent(env={"HOME": home, "PATH": "/usr/bin:/bin"})
        self.assertEqual(a.hello(python=None, path_search=False)["avocado"], "88.1")

    def test_no_avocado(self):
        home = tempfile.mkdtemp(prefix="qcoord-home-")
        self.addCleanup(shutil.rmtree, home, True)
        a = self.agent(env={"HOME": home, "PATH": "/usr/bin:/bin"})
        ready = a.hello(python=sys.executable, path_search=False)
        self.assertIsNone(ready["avocado"])
        self.assertEqual(ready["qemu"], {})

    def test_heartbeat_every_second(self):
        a = self.agent()
        a.hello(path_search=False)
        t0 = time.monotonic()
        a.next("heartbeat", timeout=3, skip=())
        a.next("heartbeat", timeout=3, skip=())
        self.assertLess(time.monotonic() - t0, 3.0)


class ProtocolErrors(unittest.TestCase):
    def test_version_mismatch_errors_and_exits(self):
        a = AgentProcess()
        a.send({"type": "hello", "version": 1, "job_id": "j", "env": {}, "params": {},
                "qemu_search": {"dirs": [], "path_search": False, "overrides": {}}})
        err = a.next("error")
        self.assertIn("version", err["message"])
        self.assertEqual(a.proc.wait(10), 0)
        a.close()

    def test_malformed_lines_are_reported_and_skipped(self):
        a = AgentProcess()
        self.addCleanup(a.close)
        a.send_raw(b"{not json\n")
        self.assertIn("malformed", a.next("error")["message"])
        a.send_raw(b"\xff\xfe\n")
        self.assertIn("malformed", a.next("error")["message"])
        a.send_raw(b"[1, 2]\n")
        self.assertIn("type", a.next("error")["message"])
        a.send({"type": "run", "task_id": "x"})
        self.assertIn("hello", a.next("error")["message"])
        a.hello(path_search=False)
        a.send({"type": "frobnicate"})
        self.assertIn("frobnicate", a.next("error")["message"])
        a.send({"type": "hello", "version": 2})
        self.assertIn("duplicate", a.next("error")["message"])
        # Still alive and working.
        a.run("ok", "SIMPLE", "/bin/true")
        self.assertEqual(a.wait_finished("ok")["status"], "PASS")


if __name__ == "__main__":
    unittest.main()
