"""The host helper of `qcoord deploy`, run on a host as `PYTHON -c SCRIPT`.

The request comes as one JSON object on stdin, the answer goes as one JSON object on stdout:

  request  {"action": "probe" | "install" | "install-pylib", "venv": "~-relative dir",
            "wheels": "~-relative dir", "requirements": ["avocado-framework==113.0", ...],
            "pylib": "~-relative dir", "pylib_wheels": "~-relative dir"}   (every key optional)
  answer   {"executable", "version", "machine", "home"}, plus "error" (a reason; "too old"
           when python < 3.8), with "venv": "venv_state" ("ready", "partial", "absent")
           and "venv_avocado" (the Avocado version a ready venv holds), with "pylib":
           "pylib_state" ("ready", "partial", "absent") and "pylib_pycotap" (its pycotap version).

"install" (re)creates ~/VENV with `python -m venv --without-pip`, installs the requirements
with the pip wheel from ~/WHEELS and no index, checks that Avocado imports, and then writes
the marker ~/VENV/.qcoord-deployed.json that makes the venv "ready".

"install-pylib" (re)creates ~/PYLIB from the pure-Python wheels in ~/PYLIB_WHEELS (pycotap,
which QEMU's tests/functional import; no pip, no Avocado): each wheel is unpacked as
`pip install --target` would lay it out, pycotap must then import from there, and the marker
~/PYLIB/.qcoord-pylib.json makes it "ready". The agent puts that dir on PYTHONPATH for
FUNCTIONAL tests.

The script is fixed text (embedded in qcoord at build time by Plugins/EmbedAgent): nothing a
user types reaches the remote shell, only the JSON. It must at least run on an old Python 3
so it can say the interpreter is too old: no f-strings, no walrus. Standard library only.
"""

import json
import os
import platform
import shutil
import subprocess
import sys
import zipfile


def venv_state(home, venv):
    """("ready", marker) when ~/VENV has its marker and a python, else ("partial" | "absent", None)."""
    path = os.path.join(home, venv)
    marker = os.path.join(path, ".qcoord-deployed.json")
    python = os.path.join(path, "bin", "python")
    if os.path.isfile(marker) and os.access(python, os.X_OK):
        try:
            with open(marker) as f:
                return "ready", json.load(f)
        except ValueError:
            pass
    return ("partial" if os.path.lexists(path) else "absent"), None


def tail(text, lines=15):
    """The last `lines` lines of the output of a command, for an error."""
    return "\n".join(text.strip().splitlines()[-lines:])


def install(home, req, out):
    """(Re)creates ~/VENV from the wheels in ~/WHEELS; a failure is out["error"]."""
    venv = os.path.join(home, req["venv"])
    wheels = os.path.join(home, req["wheels"])
    if os.path.lexists(venv):
        shutil.rmtree(venv)  # a venv without the marker is a half-done earlier attempt
    base = getattr(sys, "_base_executable", None) or sys.executable
    # --without-pip: ensurepip is a separate package on Debian (python3-venv); the shipped
    # pip wheel installs everything, pip included, with no index.
    proc = subprocess.run([base, "-m", "venv", "--without-pip", venv],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    if proc.returncode != 0:
        out["error"] = "python -m venv failed: " + tail(proc.stdout)
        return
    pips = sorted(n for n in os.listdir(wheels) if n.startswith("pip-") and n.endswith(".whl"))
    if not pips:
        out["error"] = "no pip wheel in ~/" + req["wheels"]
        return
    python = os.path.join(venv, "bin", "python")
    proc = subprocess.run([python, os.path.join(wheels, pips[-1], "pip"), "install", "--no-index",
                           "--find-links", wheels, "--disable-pip-version-check", "--no-cache-dir", "-q"]
                          + req["requirements"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    if proc.returncode != 0:
        out["error"] = "pip install failed: " + tail(proc.stdout)
        return
    proc = subprocess.run([python, "-c", "import importlib.metadata as m, avocado.core.settings; "
                           "print(m.version('avocado-framework'))"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if proc.returncode != 0:
        out["error"] = "the installed Avocado does not import: " + tail(proc.stderr)
        return
    with open(os.path.join(venv, ".qcoord-deployed.json"), "w") as f:
        json.dump({"avocado": proc.stdout.strip().splitlines()[-1], "requirements": req["requirements"]}, f)


PYLIB_MARKER = ".qcoord-pylib.json"


def pylib_state(home, pylib):
    """("ready", marker) when ~/PYLIB has its marker, else ("partial" | "absent", None)."""
    path = os.path.join(home, pylib)
    try:
        with open(os.path.join(path, PYLIB_MARKER)) as f:
            return "ready", json.load(f)
    except (OSError, ValueError):
        return ("partial" if os.path.lexists(path) else "absent"), None


def unpack_wheel(wheel, target):
    """A pure-Python wheel's importable files into `target`, as `pip install --target` lays them
    out: the root's files, and NAME.data/purelib/'s; the rest of NAME.data/ (pycotap's COPYING in
    data/, scripts, headers) is left out."""
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        for name in names:
            parts = name.split("/")
            if name.startswith("/") or ".." in parts or "\\" in name:
                raise ValueError("%s: unsafe member %r" % (os.path.basename(wheel), name))
        meta = [n for n in names if n.count("/") == 1 and n.endswith(".dist-info/WHEEL")]
        if not meta or b"Root-Is-Purelib: true" not in z.read(meta[0]):
            raise ValueError("%s is not a pure-Python wheel" % os.path.basename(wheel))
        for info in z.infolist():
            parts = info.filename.split("/")
            if parts[0].endswith(".data"):
                if len(parts) < 3 or parts[1] != "purelib" or not parts[2]:
                    continue
                parts = parts[2:]
            if info.is_dir() or not parts[-1]:
                continue
            dest = os.path.join(target, *parts)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with z.open(info) as src, open(dest, "wb") as out:
                shutil.copyfileobj(src, out)


def install_pylib(home, req, out):
    """(Re)creates ~/PYLIB from the wheels in ~/PYLIB_WHEELS; a failure is out["error"]."""
    pylib = os.path.join(home, req["pylib"])
    wheels = os.path.join(home, req["pylib_wheels"])
    names = sorted(n for n in os.listdir(wheels) if n.endswith(".whl"))
    if not names:
        out["error"] = "no wheels in " + wheels
        return
    new = pylib + ".new"
    shutil.rmtree(new, ignore_errors=True)
    os.makedirs(new)
    try:
        for name in names:
            unpack_wheel(os.path.join(wheels, name), new)
    except (OSError, ValueError, zipfile.BadZipFile) as e:
        shutil.rmtree(new, ignore_errors=True)
        out["error"] = "cannot unpack the wheels: %s" % e
        return
    proc = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import pycotap; "
                           "import importlib.metadata as m; print(m.version('pycotap'))", new],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if proc.returncode != 0:
        shutil.rmtree(new, ignore_errors=True)
        out["error"] = "pycotap does not import from the unpacked wheels: " + tail(proc.stderr)
        return
    with open(os.path.join(new, PYLIB_MARKER), "w") as f:
        json.dump({"pycotap": proc.stdout.strip().splitlines()[-1], "wheels": names}, f)
    if os.path.lexists(pylib):
        shutil.rmtree(pylib)
    os.rename(new, pylib)


def main():
    """One request on stdin, one answer on stdout."""
    req = json.loads(sys.stdin.read() or "{}")
    home = os.path.expanduser("~")
    out = {"executable": sys.executable, "version": "%d.%d.%d" % tuple(sys.version_info[:3]),
           "machine": platform.machine(), "home": home}
    if sys.version_info[:2] < (3, 8):
        out["error"] = "too old"
    elif req.get("venv"):
        if req.get("action") == "install":
            install(home, req, out)
        out["venv_state"], marker = venv_state(home, req["venv"])
        if marker:
            out["venv_avocado"] = marker.get("avocado")
    if "error" not in out and req.get("pylib"):
        if req.get("action") == "install-pylib":
            install_pylib(home, req, out)
        out["pylib_state"], marker = pylib_state(home, req["pylib"])
        if marker:
            out["pylib_pycotap"] = marker.get("pycotap")
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
