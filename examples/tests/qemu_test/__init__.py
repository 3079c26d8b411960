"""A small stand-in for QEMU's avocado_qemu package (which needs QEMU's python/ tree).

`QemuSystemTest` picks the QEMU binary the way avocado_qemu does — the `qemu_bin`
parameter, else `QEMU_TEST_QEMU_BINARY`, else `./qemu-system-ARCH` in the working
directory, else qemu-system-ARCH on PATH (an extra of these examples) — with ARCH from the `arch` parameter, else the test's single `arch:` tag,
else the host's arch.  No binary → the test is CANCELled.  `self.vm` is a `Machine`
that talks QMP over a UNIX socket and can read the guest's serial console.
Standard library + avocado only.
"""

import json
import os
import platform
import shutil
import socket
import subprocess
import tempfile
import time

from avocado import Test

ARCH_ALIASES = {"amd64": "x86_64", "i686": "i386", "i586": "i386", "arm64": "aarch64",
                "armv7l": "arm", "ppc64le": "ppc64", "powerpc": "ppc"}


def host_arch():
    m = platform.machine()
    return ARCH_ALIASES.get(m, m)


class QMPError(Exception):
    pass


def connect_unix(path, timeout, proc=None):
    """Connects to QEMU's listening UNIX socket, retrying until it exists and listens."""
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise QMPError("QEMU exited with status %d" % proc.returncode)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except OSError as e:
            sock.close()
            if time.monotonic() > deadline:
                raise QMPError("cannot connect to %s within %gs: %s" % (path, timeout, e))
            time.sleep(0.02)


class QMPClient:
    """Just enough QMP: greeting, capabilities negotiation, commands, events skipped."""

    def __init__(self, path, timeout=10.0, proc=None):
        self.sock = connect_unix(path, timeout, proc)
        self.sock.settimeout(timeout)
        self.buf = b""
        self.events = []
        greeting = self._read()
        if "QMP" not in greeting:
            raise QMPError("no QMP greeting: %r" % greeting)
        self.greeting = greeting["QMP"]
        self.cmd("qmp_capabilities")

    def _read(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise QMPError("QMP connection closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read()
            if "event" in reply:
                self.events.append(reply)
                continue
            if "error" in reply:
                raise QMPError("%s: %s" % (name, reply["error"].get("desc", reply["error"])))
            return reply.get("return")

    def close(self):
        self.sock.close()


class Machine:
    """One QEMU process with a QMP monitor and, optionally, a serial console socket."""

    def __init__(self, binary, machine=None, log=None):
        self.binary = binary
        self.machine = machine
        self.args = []
        self.log = log
        self.proc = None
        self.qmp = None
        self.console = None
        self.console_text = b""
        self.dir = tempfile.mkdtemp(prefix="qcoord-vm-")

    def add_args(self, *args):
        self.args.extend(args)
        return self

    def launch(self, console=False):
        qmp_path = os.path.join(self.dir, "qmp.sock")
        argv = [self.binary, "-display", "none", "-nodefaults",
                "-chardev", "socket,id=mon,path=%s,server=on,wait=off" % qmp_path,
                "-mon", "chardev=mon,mode=control"]
        if self.machine:
            argv += ["-machine", self.machine]
        if console:
            con_path = os.path.join(self.dir, "console.sock")
            # -S: the guest waits until the console is connected (a server socket with
            # wait=off drops what the guest prints before a client connects), then `cont`.
            argv += ["-chardev", "socket,id=con,path=%s,server=on,wait=off" % con_path,
                     "-serial", "chardev:con", "-S"]
        argv += self.args
        if self.log:
            self.log.info("launching: %s", " ".join(argv))
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        try:
            self.qmp = QMPClient(qmp_path, proc=self.proc)
            if console:
                self.console = connect_unix(con_path, 10.0, self.proc)
                self.qmp.cmd("cont")
        except Exception as e:
            out = self.shutdown()
            raise QMPError("QEMU did not come up (%s): %s" % (e, out.decode(errors="replace").strip()))
        return self

    def cmd(self, name, **args):
        return self.qmp.cmd(name, **args)

    def wait_for_console(self, text, timeout=5.0):
        """Reads the serial console until `text` appears; returns everything read."""
        want = text.encode()
        deadline = time.monotonic() + timeout
        while want not in self.console_text:
            left = deadline - time.monotonic()
            if left <= 0:
                raise QMPError("%r not seen on the console within %gs; got %r"
                               % (text, timeout, self.console_text[-500:]))
            self.console.settimeout(left)
            try:
                data = self.console.recv(4096)
            except socket.timeout:
                continue
            if not data:
                raise QMPError("console closed before %r appeared" % text)
            self.console_text += data
        return self.console_text.decode(errors="replace")

    def shutdown(self):
        out = b""
        quit_sent = False
        if self.qmp is not None:
            try:
                self.qmp.cmd("quit")
                quit_sent = True
            except Exception:
                pass
            self.qmp.close()
            self.qmp = None
        if self.console is not None:
            self.console.close()
            self.console = None
        if self.proc is not None:
            if not quit_sent and self.proc.poll() is None:
                self.proc.terminate()
            try:
                out, _ = self.proc.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                out, _ = self.proc.communicate()
            self.proc = None
        shutil.rmtree(self.dir, ignore_errors=True)
        return out or b""


class QemuSystemTest(Test):
    """Base class of the examples: sets arch, machine, qemu_bin and self.vm."""

    def _single_tag(self, key):
        values = (getattr(self, "tags", None) or {}).get(key)
        if values and len(values) == 1:
            return next(iter(values))
        return None

    def setUp(self):
        self.arch = self.params.get("arch", default=None) or self._single_tag("arch")
        self.machine = self.params.get("machine", default=None) or self._single_tag("machine")
        self.qemu_bin = self._find_binary()
        if self.qemu_bin is None:
            self.cancel("no qemu-system-%s: set the qemu_bin parameter or QEMU_TEST_QEMU_BINARY"
                        % (self.arch or host_arch()))
        self.log.info("qemu_bin=%s arch=%s machine=%s", self.qemu_bin, self.arch, self.machine)
        self._vms = []
        self.vm = self.get_vm()

    def _find_binary(self):
        explicit = self.params.get("qemu_bin", default=None) or os.environ.get("QEMU_TEST_QEMU_BINARY")
        if explicit:
            return explicit if os.access(explicit, os.X_OK) else None
        name = "qemu-system-%s" % (self.arch or host_arch())
        local = os.path.join(os.getcwd(), name)
        if os.access(local, os.X_OK):
            return local
        # avocado_qemu stops here; these examples also accept an installed QEMU, so that
        # a plain `avocado run examples/tests` works on a machine with qemu-system-*.
        return shutil.which(name)

    def get_vm(self):
        vm = Machine(self.qemu_bin, self.machine, self.log)
        self._vms.append(vm)
        return vm

    def tearDown(self):
        for vm in getattr(self, "_vms", []):
            vm.shutdown()
