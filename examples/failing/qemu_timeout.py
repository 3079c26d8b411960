"""A QEMU test that hangs past its timeout: it must end INTERRUPTED and leave no QEMU behind."""

import time

from qemu_test import QemuSystemTest


class HangingGuest(QemuSystemTest):
    """
    :avocado: tags=arch:x86_64,machine:none
    """

    timeout = 60

    def test_hang(self):
        self.vm.launch()
        self.log.info("QEMU pid %d", self.vm.proc.pid)
        print("qemu-pid=%d" % self.vm.proc.pid, flush=True)
        time.sleep(120)
