from avocado_qemu import LinuxTest


class LinuxBoot(LinuxTest):
    """
    :avocado: tags=arch:ppc64
    """

    def test_pseries(self):
        """
        :avocado: tags=machine:pseries
        """
