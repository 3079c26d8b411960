"""Needs qemu-system-s390x, which no testbed host has: the job cancels it before it starts."""

from qemu_test import QemuSystemTest


class S390xQMP(QemuSystemTest):
    """
    :avocado: tags=arch:s390x
    """

    def test_query_version(self):
        self.vm.launch()
        self.assertGreaterEqual(self.vm.cmd("query-version")["qemu"]["major"], 2)
