"""agents/deploy_helper.py, run as `qcoord deploy` runs it on a host: `python -c SCRIPT`,
one JSON request on stdin, one JSON answer on stdout, in a scratch HOME.

The install runs for real (`python -m venv --without-pip`) with a stand-in pip wheel: a
directory `pip-*.whl/pip/__main__.py` that "installs" a fake Avocado into the venv, so no
network and no real wheels are needed.
"""

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest
from unittest import mock

import deploy_helper

HELPER = os.path.abspath(deploy_helper.__file__)
VENV = ".cache/qcoord/venv-avocado-113.0"
WHEELS = ".cache/qcoord/wheels/avocado-113.0-py3"

# The stand-in pip: `python pip-X.whl/pip install --no-index --find-links DIR ... -q REQS`.
FAKE_PIP = textwrap.dedent('''
    import json, os, sys, sysconfig
    args = sys.argv[1:]
    with open(os.path.join(os.environ["HOME"], "pip-args.json"), "w") as f:
        json.dump(args, f)
    mode = os.environ.get("FAKE_PIP", "ok")
    if mode == "fail":
        print("\\n".join("line %d" % i for i in range(30)))
        print("ERROR: No matching distribution found for avocado-framework==113.0")
        sys.exit(1)
    site = sysconfig.get_paths()["purelib"]
    if mode != "broken":
        os.makedirs(os.path.join(site, "avocado", "core"))
        for name in ("avocado/__init__.py", "avocado/core/__init__.py", "avocado/core/settings.py"):
            open(os.path.join(site, name), "w").close()
    meta = os.path.join(site, "avocado_framework-113.0.dist-info")
    os.makedirs(meta)
    with open(os.path.join(meta, "METADATA"), "w") as f:
        f.write("Metadata-Version: 2.1\\nName: avocado-framework\\nVersion: 113.0\\n")
''')


class HelperTestCase(unittest.TestCase):
    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="qcoord-deploy-helper-")
        self.addCleanup(shutil.rmtree, self.home, True)
        with open(HELPER, encoding="utf-8") as f:
            self.source = f.read()

    def run_helper(self, request, **env):
        """The helper as deploy runs it: `PYTHON -c SCRIPT`, the request on stdin."""
        proc = subprocess.run([sys.executable, "-c", self.source], input=json.dumps(request) + "\n",
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                              env=dict(os.environ, HOME=self.home, **env), timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 1, proc.stdout)
        return json.loads(lines[0])

    def path(self, *parts):
        return os.path.join(self.home, *parts)

    def make_wheels(self, pip=True):
        os.makedirs(self.path(WHEELS))
        open(self.path(WHEELS, "avocado_framework-113.0-py3-none-any.whl"), "w").close()
        if pip:
            for version in ("23.0", "24.2"):  # the newest (last sorted) is used
                os.makedirs(self.path(WHEELS, "pip-%s-py3-none-any.whl" % version, "pip"))
                with open(self.path(WHEELS, "pip-%s-py3-none-any.whl" % version, "pip", "__main__.py"), "w") as f:
                    f.write(FAKE_PIP if version == "24.2" else "raise SystemExit('the older pip ran')\n")

    def install_request(self):
        return {"action": "install", "venv": VENV, "wheels": WHEELS,
                "requirements": ["avocado-framework==113.0", "pip", "setuptools<81"]}


class Probe(HelperTestCase):
    def test_reports_the_interpreter(self):
        answer = self.run_helper({"action": "probe"})
        self.assertEqual(answer["executable"], sys.executable)
        self.assertEqual(answer["version"], "%d.%d.%d" % tuple(sys.version_info[:3]))
        self.assertEqual(answer["machine"], platform.machine())
        self.assertEqual(answer["home"], self.home)
        self.assertNotIn("error", answer)
        self.assertNotIn("venv_state", answer)  # no venv asked for: only the interpreter

    def test_empty_request_is_a_probe(self):
        proc = subprocess.run([sys.executable, "-c", self.source], input="", stdout=subprocess.PIPE,
                              universal_newlines=True, env=dict(os.environ, HOME=self.home), timeout=60)
        self.assertEqual(proc.returncode, 0)
        self.assertEqual(set(json.loads(proc.stdout)), {"executable", "version", "machine", "home"})

    def test_venv_states(self):
        self.assertEqual(self.run_helper({"venv": VENV})["venv_state"], "absent")
        # A directory without the marker is a half-done install: "partial", redone by deploy.
        os.makedirs(self.path(VENV, "bin"))
        self.assertEqual(self.run_helper({"venv": VENV})["venv_state"], "partial")
        with open(self.path(VENV, ".qcoord-deployed.json"), "w") as f:
            json.dump({"avocado": "113.0"}, f)
        self.assertEqual(self.run_helper({"venv": VENV})["venv_state"], "partial")  # no bin/python yet
        os.symlink(sys.executable, self.path(VENV, "bin", "python"))
        answer = self.run_helper({"action": "probe", "venv": VENV})
        self.assertEqual(answer["venv_state"], "ready")
        self.assertEqual(answer["venv_avocado"], "113.0")

    def test_unreadable_marker_is_partial(self):
        os.makedirs(self.path(VENV, "bin"))
        os.symlink(sys.executable, self.path(VENV, "bin", "python"))
        with open(self.path(VENV, ".qcoord-deployed.json"), "w") as f:
            f.write("{not json")
        answer = self.run_helper({"venv": VENV})
        self.assertEqual(answer["venv_state"], "partial")
        self.assertNotIn("venv_avocado", answer)

    def test_dangling_symlink_venv_is_partial(self):
        os.makedirs(os.path.dirname(self.path(VENV)))
        os.symlink(self.path("nowhere"), self.path(VENV))
        self.assertEqual(self.run_helper({"venv": VENV})["venv_state"], "partial")


class TooOld(unittest.TestCase):
    def test_python_older_than_3_8_says_too_old_and_does_nothing_else(self):
        out = []
        with mock.patch.object(sys, "version_info", (3, 6, 9, "final", 0)), \
                mock.patch.object(sys, "stdin", mock.Mock(read=lambda: json.dumps({"action": "install", "venv": VENV}))), \
                mock.patch.object(sys, "stdout", mock.Mock(write=out.append)), \
                mock.patch.object(deploy_helper, "install", side_effect=AssertionError("installed")):
            deploy_helper.main()
        answer = json.loads("".join(out))
        self.assertEqual(answer["error"], "too old")
        self.assertEqual(answer["version"], "3.6.9")
        self.assertNotIn("venv_state", answer)


class Install(HelperTestCase):
    def test_installs_into_a_fresh_venv_and_marks_it_ready(self):
        self.make_wheels()
        answer = self.run_helper(self.install_request())
        self.assertNotIn("error", answer)
        self.assertEqual(answer["venv_state"], "ready")
        self.assertEqual(answer["venv_avocado"], "113.0")
        with open(self.path(VENV, ".qcoord-deployed.json")) as f:
            self.assertEqual(json.load(f), {"avocado": "113.0",
                                            "requirements": ["avocado-framework==113.0", "pip", "setuptools<81"]})
        with open(self.path("pip-args.json")) as f:
            args = json.load(f)
        self.assertEqual(args, ["install", "--no-index", "--find-links", self.path(WHEELS),
                                "--disable-pip-version-check", "--no-cache-dir", "-q",
                                "avocado-framework==113.0", "pip", "setuptools<81"])
        self.assertFalse(os.path.exists(self.path(VENV, "bin", "pip")))  # --without-pip

    def test_a_partial_venv_is_removed_first(self):
        self.make_wheels()
        os.makedirs(self.path(VENV, "leftover"))
        answer = self.run_helper(self.install_request())
        self.assertEqual(answer["venv_state"], "ready")
        self.assertFalse(os.path.exists(self.path(VENV, "leftover")))

    def test_no_pip_wheel(self):
        self.make_wheels(pip=False)
        answer = self.run_helper(self.install_request())
        self.assertEqual(answer["error"], "no pip wheel in ~/" + WHEELS)
        self.assertEqual(answer["venv_state"], "partial")

    def test_pip_failure_reports_the_tail_of_its_output(self):
        self.make_wheels()
        answer = self.run_helper(self.install_request(), FAKE_PIP="fail")
        self.assertTrue(answer["error"].startswith("pip install failed: "), answer["error"])
        reported = answer["error"][len("pip install failed: "):].splitlines()
        self.assertEqual(len(reported), 15)
        self.assertEqual(reported[-1], "ERROR: No matching distribution found for avocado-framework==113.0")
        self.assertEqual(answer["venv_state"], "partial")

    def test_avocado_that_does_not_import(self):
        self.make_wheels()
        answer = self.run_helper(self.install_request(), FAKE_PIP="broken")
        self.assertTrue(answer["error"].startswith("the installed Avocado does not import: "), answer["error"])
        self.assertIn("No module named 'avocado'", answer["error"])
        self.assertEqual(answer["venv_state"], "partial")


PYLIB = ".cache/qcoord/pylib"
PYLIB_WHEELS = ".cache/qcoord/wheels/pycotap-1.3.1"
REPO = os.path.dirname(os.path.dirname(HELPER))
QEMU_PYLIB = os.path.join(REPO, "build", "qemu-10.0", "pylib")


def write_wheel(path, files, purelib=True):
    """A wheel: `files` (name -> text) plus a dist-info whose WHEEL says whether it is pure."""
    import zipfile
    with zipfile.ZipFile(path, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
        z.writestr("pycotap-1.3.1.dist-info/METADATA", "Metadata-Version: 2.1\nName: pycotap\nVersion: 1.3.1\n")
        z.writestr("pycotap-1.3.1.dist-info/WHEEL",
                   "Wheel-Version: 1.0\nRoot-Is-Purelib: %s\nTag: py3-none-any\n" % ("true" if purelib else "false"))


class Pylib(HelperTestCase):
    """install-pylib: pycotap for QEMU's tests/functional, unpacked into ~/.cache/qcoord/pylib."""

    def request(self):
        return {"action": "install-pylib", "pylib": PYLIB, "pylib_wheels": PYLIB_WHEELS}

    def real_wheel(self):
        """pycotap 1.3.1 laid out as PyPI's wheel (COPYING in .data/data/ too), from build/qemu-10.0/pylib."""
        if not os.path.isdir(os.path.join(QEMU_PYLIB, "pycotap")):
            raise AssertionError("%s is missing: run `make qemu-material`" % QEMU_PYLIB)
        os.makedirs(self.path(PYLIB_WHEELS))
        files = {}
        for name in ("__init__.py", "__main__.py"):
            with open(os.path.join(QEMU_PYLIB, "pycotap", name)) as f:
                files["pycotap/" + name] = f.read()
        files["pycotap-1.3.1.data/data/COPYING"] = "MIT\n"
        write_wheel(self.path(PYLIB_WHEELS, "pycotap-1.3.1-py3-none-any.whl"), files)

    def test_probe_states(self):
        self.assertEqual(self.run_helper({"pylib": PYLIB})["pylib_state"], "absent")
        os.makedirs(self.path(PYLIB))
        self.assertEqual(self.run_helper({"pylib": PYLIB})["pylib_state"], "partial")
        self.assertNotIn("pylib_state", self.run_helper({"action": "probe"}))

    def test_install_then_the_agent_reports_pycotap_and_runs_a_functional_test(self):
        self.real_wheel()
        os.makedirs(self.path(PYLIB, "leftover"))  # a half-done earlier attempt is replaced
        answer = self.run_helper(self.request())
        self.assertNotIn("error", answer)
        self.assertEqual((answer["pylib_state"], answer["pylib_pycotap"]), ("ready", "1.3.1"))
        self.assertTrue(os.path.isfile(self.path(PYLIB, "pycotap", "__init__.py")))
        self.assertFalse(os.path.exists(self.path(PYLIB, "leftover")))
        self.assertEqual(self.run_helper(self.request())["pylib_pycotap"], "1.3.1")  # again: same result
        # A fresh host: the agent (HOME as deploy left it) finds it and runs QEMU's test_version.
        from tests.driver import AgentProcess
        qemu = os.path.join(REPO, "build", "qemu-10.0")
        agent = AgentProcess(env={"HOME": self.home, "XDG_CACHE_HOME": ""})
        self.addCleanup(agent.close)
        ready = agent.hello(python=sys.executable, dirs=[os.path.join(qemu, "bin")], path_search=False)
        self.assertEqual(ready["pycotap"], "1.3.1")
        test = os.path.join(qemu, "src", "tests", "functional", "test_version.py")
        agent.run("t", "FUNCTIONAL", test, name=test + ":Version.test_qmp_human_info_version;arch=x86_64",
                  args=["test_version.Version.test_qmp_human_info_version"], arch="x86_64",
                  qemu_bin=os.path.join(qemu, "bin", "qemu-system-x86_64"), timeout_s=120)
        fin = agent.wait_finished("t", 150)
        self.assertEqual(fin["status"], "PASS", (fin, agent.output("t", "stderr")))

    def test_data_dir_purelib_is_unpacked_the_rest_left_out(self):
        os.makedirs(self.path(PYLIB_WHEELS))
        write_wheel(self.path(PYLIB_WHEELS, "pycotap-1.3.1-py3-none-any.whl"),
                    {"pycotap/__init__.py": "", "pycotap-1.3.1.data/data/COPYING": "MIT",
                     "pycotap-1.3.1.data/purelib/pycotap_extra.py": "", "pycotap-1.3.1.data/scripts/tool": ""})
        answer = self.run_helper(self.request())
        self.assertNotIn("error", answer)
        self.assertEqual(sorted(os.listdir(self.path(PYLIB))),
                         [".qcoord-pylib.json", "pycotap", "pycotap-1.3.1.dist-info", "pycotap_extra.py"])

    def test_not_pure_python_is_refused_and_nothing_is_left(self):
        os.makedirs(self.path(PYLIB_WHEELS))
        write_wheel(self.path(PYLIB_WHEELS, "pycotap-1.3.1-cp311-cp311-linux_x86_64.whl"),
                    {"pycotap/__init__.py": ""}, purelib=False)
        answer = self.run_helper(self.request())
        self.assertIn("not a pure-Python wheel", answer["error"])
        self.assertEqual(answer["pylib_state"], "absent")
        self.assertFalse(os.path.exists(self.path(PYLIB + ".new")))

    def test_unsafe_member_is_refused(self):
        os.makedirs(self.path(PYLIB_WHEELS))
        write_wheel(self.path(PYLIB_WHEELS, "pycotap-1.3.1-py3-none-any.whl"), {"../evil.py": ""})
        answer = self.run_helper(self.request())
        self.assertIn("unsafe member", answer["error"])
        self.assertFalse(os.path.exists(self.path(".cache/qcoord/evil.py")))

    def test_a_wheel_without_pycotap(self):
        os.makedirs(self.path(PYLIB_WHEELS))
        write_wheel(self.path(PYLIB_WHEELS, "pycotap-1.3.1-py3-none-any.whl"), {"other/__init__.py": ""})
        answer = self.run_helper(self.request())
        self.assertIn("pycotap does not import", answer["error"])
        self.assertEqual(answer["pylib_state"], "absent")

    def test_no_wheels(self):
        os.makedirs(self.path(PYLIB_WHEELS))
        self.assertIn("no wheels in", self.run_helper(self.request())["error"])


class Pieces(unittest.TestCase):
    def test_tail(self):
        self.assertEqual(deploy_helper.tail("\n a\nb\nc \n\n", lines=2), "b\nc")
        self.assertEqual(deploy_helper.tail(""), "")


if __name__ == "__main__":
    unittest.main()
