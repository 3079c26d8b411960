"""A test for a target without a binary on this machine: CANCEL (no qemu-system-sparc64)."""

from qemu_test import QemuSystemTest


class Sparc64(QemuSystemTest):
    """
    :avocado: tags=arch:sparc64
    """

    def test_version(self):
        self.vm.launch()
        self.assertIn("qemu", self.vm.cmd("query-version"))
