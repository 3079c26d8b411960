"""Reads the guest console: qemu-system-ppc boots the OpenBIOS firmware QEMU ships."""

from qemu_test import QemuSystemTest


class OpenBIOSConsole(QemuSystemTest):
    """
    :avocado: tags=arch:ppc,machine:g3beige,console
    """

    timeout = 20

    def test_openbios_banner(self):
        self.vm.launch(console=True)
        text = self.vm.wait_for_console("OpenBIOS", timeout=10)
        self.vm.wait_for_console("CPU type PowerPC", timeout=10)
        self.log.info("console: %s", text.strip())
        status = self.vm.cmd("query-status")
        self.assertTrue(status["running"])
