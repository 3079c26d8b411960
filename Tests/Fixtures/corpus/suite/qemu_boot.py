"""Boot tests, written as QEMU writes them."""
from avocado_qemu import QemuSystemTest


class BootLinux(QemuSystemTest):
    """
    :avocado: tags=boot
    """

    timeout = 120

    def test_pc(self):
        """
        :avocado: tags=arch:x86_64
        :avocado: tags=machine:pc
        """
        pass

    def test_virt(self):
        """
        :avocado: tags=arch:aarch64,machine:virt,accel:tcg
        """
        pass

    def test_untagged(self):
        pass


class AArch64Virt(QemuSystemTest):
    """
    :avocado: tags=arch:aarch64
    """

    def test_virt_kvm(self):
        """
        :avocado: tags=arch:x86_64,accel:kvm
        """
