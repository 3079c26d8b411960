"""FUNCTIONAL: QEMU's tests/functional files run by a real agent the way meson runs them.

Real material: QEMU 10.0.2's source tree and binaries in build/qemu-10.0 (`make qemu-material`,
which `make test-agent` depends on). Without it these tests fail, they never skip.

The fixture files (fixtures/functional/) go into a tests/functional tree in a temp dir whose
qemu_test/ and python/ are the real 10.0 ones. pycotap comes from a qcoord-managed pylib
($XDG_CACHE_HOME/qcoord/pylib, as `qcoord deploy` installs it), a copy of build/qemu-10.0/pylib.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from tests.driver import FIXTURES, REPO, AgentProcess

QEMU = os.environ.get("QCOORD_QEMU_10_0") or os.path.join(REPO, "build", "qemu-10.0")
SRC = os.path.join(QEMU, "src")
FUNC = os.path.join(SRC, "tests", "functional")
BIN = os.path.join(QEMU, "bin")
PYLIB = os.path.join(QEMU, "pylib")
# QEMU 10.2.2's tree (per-target subdirs; no 10.2 binaries: its generic tests run with 10.0's).
FUNC_10_2 = os.path.join(os.environ.get("QCOORD_QEMU_10_2") or os.path.join(REPO, "build", "qemu-10.2"),
                         "src", "tests", "functional")
TIMEOUT = "Test interrupted: Timeout reached"
STATUSES = "test_qcoord_statuses.py"


def require_material():
    for path in (os.path.join(FUNC, "test_version.py"), os.path.join(BIN, "qemu-system-x86_64"),
                 os.path.join(BIN, "qemu-img"), os.path.join(PYLIB, "pycotap"),
                 os.path.join(FUNC_10_2, "generic", "test_version.py")):
        if not os.path.exists(path):
            raise AssertionError("%s is missing: run `make qemu-material` (docs/qemu-material.md)" % path)


def qemu_bin(arch):
    return os.path.join(BIN, "qemu-system-" + arch)


def fixture_tree(tmp):
    """<tmp>/tree/tests/functional with the real qemu_test/ and python/, and the fixture files."""
    func = os.path.join(tmp, "tree", "tests", "functional")
    os.makedirs(func)
    os.symlink(os.path.join(FUNC, "qemu_test"), os.path.join(func, "qemu_test"))
    os.symlink(os.path.join(SRC, "python"), os.path.join(tmp, "tree", "python"))
    for name in os.listdir(os.path.join(FIXTURES, "functional")):
        shutil.copy(os.path.join(FIXTURES, "functional", name), func)
    return func


def pylib_home(tmp):
    """An XDG_CACHE_HOME whose qcoord/pylib holds pycotap, as `qcoord deploy` leaves it."""
    xdg = os.path.join(tmp, "xdg")
    shutil.copytree(PYLIB, os.path.join(xdg, "qcoord", "pylib"))
    return xdg


def task(path, test_id, arch="x86_64", timeout_s=120, workdir=None, **kw):
    """A `run` as the plan sends it for one unittest id of a tests/functional file."""
    name = "%s:%s;arch=%s" % (path, test_id.split(".", 1)[1], arch)
    return dict(kind="FUNCTIONAL", uri=path, name=name, args=[test_id], arch=arch, qemu_bin=qemu_bin(arch),
                timeout_s=timeout_s, workdir=workdir, **kw)


def statuses(test):
    return "test_qcoord_statuses.Statuses." + test


class AgentFunctional(unittest.TestCase):
    """Every task sent at once in setUpClass; each test checks some of them."""

    @classmethod
    def setUpClass(cls):
        require_material()
        cls.tmp = tempfile.mkdtemp(prefix="qcoord-functional-")
        func = fixture_tree(cls.tmp)
        cls.func = func
        cls.empty_cache = os.path.join(cls.tmp, "empty-cache")
        os.mkdir(cls.empty_cache)
        fx = os.path.join(func, STATUSES)
        cls.tasks = {
            # The real tree: a relative uri (to workdir), as the plan sends it.
            "version": task("tests/functional/test_version.py", "test_version.Version.test_qmp_human_info_version",
                            workdir=SRC),
            # 10.2's layout: the file is in tests/functional/generic/, qemu_test/ one level up.
            "version-10.2": task(os.path.join(FUNC_10_2, "generic", "test_version.py"),
                                 "test_version.Version.test_qmp_human_info_version"),
            # A real test whose asset is not cached and may not be downloaded: setUp skips it.
            "asset-skip": task(os.path.join(FUNC, "test_aarch64_virt.py"),
                               "test_aarch64_virt.Aarch64VirtMachine.test_alpine_virt_tcg_gic_max", arch="aarch64",
                               env={"QEMU_TEST_NO_DOWNLOAD": "1", "QEMU_TEST_CACHE_DIR": cls.empty_cache}),
            "pass": task(fx, statuses("test_pass")),
            "fail": task(fx, statuses("test_fail")),
            "error": task(fx, statuses("test_error")),
            "skip": task(fx, statuses("test_skip")),
            "gated": task(fx, statuses("test_gated")),
            "gated-on": task(fx, statuses("test_gated"), env={"QEMU_TEST_ALLOW_UNTRUSTED_CODE": "1"}),
            "hang": task(fx, statuses("test_hang"), timeout_s=3),
            "crash": task(fx, statuses("test_crash")),
            "env": task(fx, statuses("test_env"), env={"QEMU_TEST_ALLOW_UNTRUSTED_CODE": "yes"}),
            "vm": task(fx, statuses("test_vm")),
            "no-such-test": task(fx, statuses("test_nope")),
            "import-error": task(os.path.join(func, "test_qcoord_import_error.py"),
                                 "test_qcoord_import_error.Never.test_never"),
            "not-functional": task(os.path.join(FIXTURES, "hang_unittest.py"), "hang_unittest.Hang.test_hang"),
            "no-qemu-bin": dict(task(fx, statuses("test_pass")), qemu_bin=None, arch=None),
        }
        cls.agent = AgentProcess(env={"XDG_CACHE_HOME": pylib_home(cls.tmp)})
        cls.ready = cls.agent.hello(python=sys.executable, dirs=[BIN], path_search=False)
        for task_id, spec in cls.tasks.items():
            spec = dict(spec)
            cls.agent.run(task_id, spec.pop("kind"), spec.pop("uri"), **spec)

    @classmethod
    def tearDownClass(cls):
        cls.agent.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def check(self, task_id, status, reason=None):
        fin = self.agent.wait_finished(task_id, timeout=180)
        msgs = self.agent.task_messages(task_id)
        self.assertEqual([m["type"] for m in msgs][0], "started")
        self.assertEqual(fin["status"], status, (fin, self.agent.output(task_id, "stderr")[-1500:]))
        if reason is not None:
            self.assertIn(reason, fin["fail_reason"] or "", fin)
        self.assertGreater(fin["time_s"], 0)
        return fin

    def test_ready_reports_pycotap(self):
        self.assertEqual(self.ready["pycotap"], "1.3.1")

    def test_real_test_version_passes_with_its_logs(self):
        fin = self.check("version", "PASS")
        self.assertIsNone(fin["fail_reason"])
        started = self.agent.started("version")
        self.assertEqual((started["qemu_bin"], started["arch"]), (qemu_bin("x86_64"), "x86_64"))
        self.assertEqual(self.agent.output("version"),
                         b"TAP version 13\nok 1 test_version.Version.test_qmp_human_info_version\n1..1\n")
        files = self.agent.files("version")
        self.assertIn("base.log", files)
        self.assertIn(b"qemu", files["base.log"])
        self.assertIn("console.log", files)
        self.assertFalse([n for n in files if n.startswith("scratch")], sorted(files))

    def test_real_10_2_layout(self):
        self.check("version-10.2", "PASS")
        self.assertIn("base.log", self.agent.files("version-10.2"))

    def test_real_test_without_its_asset_skips(self):
        self.check("asset-skip", "SKIP", "One or more assets is not available")
        self.assertIn(b"# SKIP One or more assets is not available", self.agent.output("asset-skip"))
        self.assertIn("base.log", self.agent.files("asset-skip"))

    def test_pass_keeps_the_tests_output_on_stderr(self):
        self.check("pass", "PASS")
        self.assertIn(b"fixture: output of a passing test", self.agent.output("pass", "stderr"))
        self.assertIn(b"fixture: passing", self.agent.files("pass")["base.log"])

    def test_fail_and_error_differ_though_tap_says_not_ok_for_both(self):
        self.check("fail", "FAIL", "AssertionError: 1 != 2 : one is not two")
        self.check("error", "ERROR", "KeyError: 'no such key'")
        for task_id in ("fail", "error"):
            self.assertIn(b"\nnot ok 1 test_qcoord_statuses.Statuses.test_" + task_id.encode() + b"\n",
                          self.agent.output(task_id))
            stderr = self.agent.output(task_id, "stderr")
            self.assertIn(b"Traceback", stderr)
            self.assertIn(b"More information on test_qcoord_statuses.Statuses.test_" + task_id.encode(), stderr)
            self.assertIn("base.log", self.agent.files(task_id))

    def test_skip_reason(self):
        self.check("skip", "SKIP", "not on this host")
        self.assertEqual(self.check("skip", "SKIP")["fail_reason"], "not on this host")

    def test_task_env_gates_reach_the_test(self):
        self.check("gated", "SKIP", "Test runs untrusted code / processes untrusted data")
        self.check("gated-on", "PASS")

    def test_timeout_interrupts(self):
        fin = self.check("hang", "INTERRUPTED", TIMEOUT)
        self.assertEqual(fin["fail_reason"], TIMEOUT)
        self.assertLess(fin["time_s"], 30)
        pid = int(re.search(rb"hanging pid=(\d+)", self.agent.output("hang", "stderr")).group(1))
        self.assertFalse(os.path.exists("/proc/%d" % pid) and
                         open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[0] != "Z")

    def test_crash_without_tap_is_an_error_with_the_stderr_tail(self):
        fin = self.check("crash", "ERROR", "no TAP result for test_qcoord_statuses.Statuses.test_crash")
        self.assertIn("Killed by signal SIGABRT", fin["fail_reason"])

    def test_meson_environment(self):
        import json
        self.check("env", "PASS")
        seen = json.loads(self.agent.files("env")["env.json"])
        fx = os.path.join(self.func, STATUSES)
        self.assertEqual(seen["QEMU_TEST_QEMU_BINARY"], qemu_bin("x86_64"))
        self.assertEqual(seen["QEMU_TEST_QEMU_IMG"], os.path.join(BIN, "qemu-img"))
        build = seen["QEMU_BUILD_ROOT"]
        self.assertEqual(os.path.basename(build), "build")
        self.assertEqual(seen["cwd"], build)       # meson runs in the build root
        self.assertEqual(seen["argv0"], fx)        # as `python3 <file>`
        self.assertEqual(seen["path0"], self.func)
        self.assertEqual(seen["QEMU_TEST_ALLOW_UNTRUSTED_CODE"], "yes")
        tree = os.path.dirname(os.path.dirname(self.func))
        self.assertEqual(seen["PYTHONPATH"].split(os.pathsep)[:3],
                         [os.path.join(tree, "python"), self.func, os.path.join(self.tmp, "xdg", "qcoord", "pylib")])
        self.assertTrue(seen["TMPDIR"].startswith(os.path.dirname(build)), seen)

    def test_vm_console_log(self):
        self.check("vm", "PASS")
        files = self.agent.files("vm")
        self.assertIn("console.log", files)
        self.assertIn(b"qemu-system-x86_64", files["base.log"])

    def test_unknown_id_and_import_error(self):
        self.check("no-such-test", "ERROR", "has no attribute 'test_nope'")
        self.check("import-error", "ERROR", "No module named 'qcoord_no_such_module'")

    def test_not_a_functional_file(self):
        self.check("not-functional", "ERROR", "no qemu_test package")
        self.check("no-qemu-bin", "ERROR", "has no qemu_bin")


class MissingPycotap(unittest.TestCase):
    def test_ready_null_and_a_deploy_hint(self):
        require_material()
        tmp = tempfile.mkdtemp(prefix="qcoord-functional-nopycotap-")
        self.addCleanup(shutil.rmtree, tmp, True)
        # A python that surely has no pycotap: a bare venv (no site-packages of the system).
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", os.path.join(tmp, "venv")], check=True)
        os.mkdir(os.path.join(tmp, "xdg"))
        agent = AgentProcess(env={"XDG_CACHE_HOME": os.path.join(tmp, "xdg")})
        self.addCleanup(agent.close)
        ready = agent.hello(python=os.path.join(tmp, "venv"), dirs=[BIN], path_search=False)
        self.assertIsNone(ready["pycotap"])
        spec = task(os.path.join(FUNC, "test_version.py"), "test_version.Version.test_qmp_human_info_version")
        agent.run("t", spec.pop("kind"), spec.pop("uri"), **spec)
        fin = agent.wait_finished("t", 60)
        self.assertEqual(fin["status"], "ERROR", fin)
        self.assertIn("pycotap", fin["fail_reason"])
        self.assertIn("qcoord deploy", fin["fail_reason"])
        self.assertIn(os.path.join(tmp, "venv", "bin", "python3"), fin["fail_reason"])


# Asset-free files of 10.0: (file, target). test_migration skips one test when ncat is missing.
# Not test_hppa_seabios.py: run meson's way (both tests in one process) its second test fails
# now and then in tearDown (ConnectionResetError from vm.shutdown(), which 10.2 catches).
MESON_FILES = [("test_version.py", "x86_64"), ("test_info_usernet.py", "x86_64"),
               ("test_migration.py", "x86_64"), ("test_riscv_opensbi.py", "riscv64"),
               ("test_empty_cpu_model.py", "x86_64"), ("test_vnc.py", "x86_64")]
TAP_LINE = re.compile(r"^(not )?ok \d+ (\S+)(?: # SKIP (.*))?$")


class SameAsMeson(unittest.TestCase):
    """Per test, the agent's status equals what `python3 <file>` (meson's way) prints in TAP."""

    def meson(self, name, arch, build):
        env = dict(os.environ, QEMU_TEST_QEMU_BINARY=qemu_bin(arch), QEMU_BUILD_ROOT=build,
                   QEMU_TEST_QEMU_IMG=os.path.join(BIN, "qemu-img"), QEMU_TEST_NO_DOWNLOAD="1",
                   PYTHONPATH=os.pathsep.join([os.path.join(SRC, "python"), FUNC, PYLIB]))
        proc = subprocess.run([sys.executable, os.path.join(FUNC, name)], cwd=build, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        out = {}
        for line in proc.stdout.decode().splitlines():
            m = TAP_LINE.match(line)
            if m:
                status = "SKIP" if m.group(3) is not None else ("FAIL" if m.group(1) else "PASS")
                out[m.group(2)] = (status, m.group(3))
        self.assertTrue(out, proc.stderr.decode()[-2000:])
        if any(status == "FAIL" for status, _ in out.values()):
            sys.stderr.write("\n%s (meson's way) failed:\n%s\n" % (name, proc.stderr.decode()[-3000:]))
        return out

    maxDiff = None

    def test_statuses_equal(self):
        require_material()
        tmp = tempfile.mkdtemp(prefix="qcoord-functional-meson-")
        self.addCleanup(shutil.rmtree, tmp, True)
        expected = {}
        for name, arch in MESON_FILES:
            build = os.path.join(tmp, "meson-" + name)
            os.mkdir(build)
            for test_id, result in self.meson(name, arch, build).items():
                expected[(name, arch, test_id)] = result
        self.assertGreaterEqual(len(expected), 9)
        agent = AgentProcess(env={"XDG_CACHE_HOME": pylib_home(tmp)})
        self.addCleanup(agent.close)
        agent.hello(python=sys.executable, dirs=[BIN], path_search=False)
        ids = {}
        for n, (name, arch, test_id) in enumerate(sorted(expected)):
            spec = task(os.path.join(FUNC, name), test_id, arch=arch, env={"QEMU_TEST_NO_DOWNLOAD": "1"})
            ids["t%d" % n] = (name, arch, test_id)
            agent.run("t%d" % n, spec.pop("kind"), spec.pop("uri"), **spec)
        got = {}
        for task_id, key in ids.items():
            fin = agent.wait_finished(task_id, 300)
            status = "FAIL" if fin["status"] == "ERROR" else fin["status"]  # TAP says `not ok` for both
            got[key] = (status, fin["fail_reason"] if status == "SKIP" else None)
        self.assertEqual(got, expected)


if __name__ == "__main__":
    unittest.main()
