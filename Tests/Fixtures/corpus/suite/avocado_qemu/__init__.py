"""A miniature of QEMU's tests/avocado/avocado_qemu package."""
import os

from avocado import Test
from avocado.utils import process


class QemuBaseTest(Test):
    """
    :avocado: tags=qemu
    """
    def setUp(self):
        self.qemu_bin = os.getenv("QEMU_TEST_QEMU_BINARY")


class QemuSystemTest(QemuBaseTest):
    """Facilities for system tests (no test methods of its own)."""

    def require_accelerator(self, accel):
        pass


class LinuxTest(QemuSystemTest):
    """
    :avocado: tags=linux
    """
    timeout = 900

    def test_boot_linux_console(self):
        """
        :avocado: tags=console,arch:x86_64
        """
        pass

    def launch_and_wait(self):
        pass
