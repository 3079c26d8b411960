#!/usr/bin/env python3
"""Generate the `make bench-list` corpus: a QEMU-like tests/avocado tree.

OUT/avocado_qemu/__init__.py   QemuSystemTest(avocado.Test), LinuxTest(QemuSystemTest)
OUT/common/base_K.py           shared bases deriving from avocado_qemu classes (inheritance across modules)
OUT/test_NNN.py                test files: classes deriving from those bases, tagged per method

Deterministic: the same arguments always give the same files.
"""
import os
import sys

ARCHES = ["x86_64", "aarch64", "ppc64", "s390x", "riscv64", "arm", "i386"]
MACHINES = ["pc", "q35", "virt", "pseries", "s390-ccw-virtio", "raspi2b"]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def main():
    out = sys.argv[1]
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 320
    bases = 24
    write(os.path.join(out, "avocado_qemu", "__init__.py"), '''"""QEMU test helpers (generated)."""
import os

from avocado import Test


class QemuBaseTest(Test):
    """
    :avocado: tags=qemu
    """

    def setUp(self):
        self.qemu_bin = os.getenv("QEMU_TEST_QEMU_BINARY")


class QemuSystemTest(QemuBaseTest):
    def require_accelerator(self, accel):
        pass


class LinuxTest(QemuSystemTest):
    """
    :avocado: tags=linux
    """

    def test_linux_smoke(self):
        """
        :avocado: tags=smoke
        """
        pass
''')
    write(os.path.join(out, "common", "__init__.py"), "")
    for k in range(bases):
        parent = "LinuxTest" if k % 3 == 0 else "QemuSystemTest"
        write(os.path.join(out, "common", f"base_{k}.py"), f'''"""Shared base {k} (generated)."""
from avocado_qemu import {parent}


class Base{k}({parent}):
    """
    :avocado: tags=family:f{k % 5}
    """

    KERNEL_URL = "https://example.org/kernel-{k}"

    def test_base_{k}_boot(self):
        """
        :avocado: tags=boot
        """
        self.launch()

    def test_base_{k}_shutdown(self):
        pass

    def launch(self):
        pass
''')
    for n in range(files):
        parts = [f'"""Generated test module {n}."""', "import time", ""]
        k1, k2 = n % bases, (n * 7 + 3) % bases
        parts.append(f"from common.base_{k1} import Base{k1}")
        if k2 != k1:
            parts.append(f"from common.base_{k2} import Base{k2}")
        parts.append("from avocado_qemu import QemuSystemTest")
        parts.append("")
        for c, parent in enumerate([f"Base{k1}", f"Base{k2}", "QemuSystemTest"]):
            arch = ARCHES[(n + c) % len(ARCHES)]
            machine = MACHINES[(n * 3 + c) % len(MACHINES)]
            parts.append(f'''

class Case{n}_{c}({parent}):
    """
    Boot tests for {arch}.

    :avocado: tags=arch:{arch}
    """

    timeout = {60 + c * 30}
''')
            for m in range(4):
                tags = f"machine:{machine}" + (",slow" if (n + m) % 5 == 0 else "")
                parts.append(f'''    def test_{m}_{machine.replace("-", "_")}(self):
        """
        Check variant {m} ({{'a': 1}}).

        :avocado: tags={tags}
        """
        self.vm.set_console()
        self.vm.launch()
        if {m} > 2:
            self.cancel("not yet")
''')
            parts.append('''    def tearDown(self):
        super().tearDown()
''')
        write(os.path.join(out, f"test_{n:03d}.py"), "\n".join(parts))
    print(f"bench corpus: {files} test files, {bases} bases in {out}")


if __name__ == "__main__":
    main()
