/// The Python that `qcoord deploy` runs on a host as `PYTHON -c SCRIPT`, its request as JSON
/// on stdin and its answer as one JSON object on stdout. The script is fixed text: nothing a
/// user types reaches the remote shell, only the JSON (paths relative to the login directory,
/// a version already checked to be digits and dots).
///
/// It must at least run on an old Python 3 so it can say the interpreter is too old
/// (no f-strings, no walrus).
enum DeployHelperScript {
    static let minimumPython = (3, 8)

    static let source = #"""
import json, os, platform, shutil, subprocess, sys

def venv_state(home, venv):
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
    return "\n".join(text.strip().splitlines()[-lines:])

def install(home, req, out):
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

def main():
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
    sys.stdout.write(json.dumps(out) + "\n")

main()
"""#
}
