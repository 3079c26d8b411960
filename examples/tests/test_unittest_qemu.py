"""A plain unittest test (PyUNITTEST): QEMU's built-in help lists the expected targets."""

import os
import shutil
import subprocess
import unittest


def qemu_binary(arch="x86_64"):
    found = os.environ.get("QEMU_TEST_QEMU_BINARY") or shutil.which("qemu-system-" + arch)
    if found:
        return found
    # Arch-neutral, it may land on a host without that arch: any qemu-system will do.
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        for name in names:
            path = os.path.join(directory, name)
            if name.startswith("qemu-system-") and os.access(path, os.X_OK) and os.path.getsize(path) > 0:
                return path
    return None


class MachineHelp(unittest.TestCase):
    def test_machine_help_lists_machines(self):
        binary = qemu_binary()
        if binary is None:
            self.skipTest("no qemu-system binary")
        out = subprocess.run([binary, "-machine", "help"], stdout=subprocess.PIPE,
                             universal_newlines=True, timeout=10, check=True).stdout
        self.assertIn("Supported machines are:", out)
        self.assertIn("none", out)

    def test_version_format(self):
        binary = qemu_binary()
        if binary is None:
            self.skipTest("no qemu-system binary")
        out = subprocess.run([binary, "--version"], stdout=subprocess.PIPE,
                             universal_newlines=True, timeout=10, check=True).stdout
        self.assertRegex(out, r"QEMU emulator version \d+\.\d+")


if __name__ == "__main__":
    unittest.main()
