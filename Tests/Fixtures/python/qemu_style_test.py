# Functional test that boots a Linux kernel and checks the serial console
#
# This work is licensed under the terms of the GNU GPL, version 2 or
# later.  See the COPYING file in the top-level directory.

import os
import logging, time
from avocado import skipIf, skipUnless
from avocado.utils import archive, process as proc
from avocado_qemu import (QemuSystemTest, wait_for_console_pattern,
                          exec_command_and_wait_for_pattern,
                          interrupt_interactive_console_until_pattern,)
from .boot_linux_console import LinuxKernelTest as Base
from .. import common
from ... import deep as d

try:
    import lzma
except ImportError:
    lzma = None

if os.environ.get("QEMU_TEST_EXTRA"):
    class ExtraTest(QemuSystemTest):
        def test_extra(self):
            pass

NUMERIC = 1_000 + 0x_FF + 0o17 + 0b1010 + 1e-3 + 3j + .5 + 1.5e+10

class BootLinuxConsole(QemuSystemTest):
    """
    Boots a Linux kernel and checks that the console is operational and the
    kernel command line is properly passed from QEMU to the kernel

    :avocado: tags=quick
    """

    timeout = 90
    KERNEL_COMMON_COMMAND_LINE = 'printk.time=0 '

    def wait_for_console_pattern(self, success_message, vm=None):
        wait_for_console_pattern(self, success_message,
                                 failure_message='Kernel panic - not syncing',
                                 vm=vm)

    def extract_from_deb(self, deb, path):
        """
        Extracts a file from a deb package into the test workdir

        :param deb: path to the deb archive
        :returns: path of the extracted file
        """
        cwd = os.getcwd()
        os.chdir(self.workdir)
        file_path = proc.run("ar t %s" % deb).stdout_text.split()[2]
        return os.path.join(self.workdir, path)

    def test_x86_64_pc(self):
        """
        :avocado: tags=arch:x86_64
        :avocado: tags=machine:pc
        """
        kernel_url = ('https://archives.fedoraproject.org/pub/archive/fedora'
                      '/linux/releases/29/Everything/x86_64/os/images/pxeboot'
                      '/vmlinuz')
        kernel_hash = '23bebd2680757891cf7adedb033532163a792495'
        kernel_path = self.fetch_asset(kernel_url, asset_hash=kernel_hash)

        self.vm.set_console()
        kernel_command_line = self.KERNEL_COMMON_COMMAND_LINE + 'console=ttyS0'
        self.vm.add_args('-kernel', kernel_path,
                         '-append', kernel_command_line)
        self.vm.launch()
        console_pattern = 'Kernel command line: %s' % kernel_command_line
        self.wait_for_console_pattern(console_pattern)

    @skipUnless(os.getenv('AVOCADO_ALLOW_UNTRUSTED_CODE'), 'untrusted code')
    def test_aarch64_virt(self):
        """
        :avocado: tags=arch:aarch64
        :avocado: tags=machine:virt
        :avocado: tags=accel:tcg
        :avocado: tags=cpu:cortex-a53
        """
        self.require_accelerator("tcg")
        if self.arch != 'aarch64':
            def inner():
                """not a method"""
            self.cancel('wrong arch')

    @skipIf(os.getenv('GITLAB_CI'), 'Running on GitLab')
    @skipUnless(os.getenv('AVOCADO_TIMEOUT_EXPECTED'),
                'Test might timeout')
    def test_arm_cubieboard_initrd(self):
        '''
        :avocado: tags=arch:arm
        :avocado: tags=machine:cubieboard
        '''
        pass

    class Inner(object):
        def test_not_a_method_of_outer(self):
            pass


class BootLinuxAarch64(LinuxKernelTest, metaclass=type):
    """
    :avocado: tags=arch:aarch64
    :avocado: tags=machine:virt
    """

    timeout = 240

    def test_virt_tcg_gicv2(self):
        """
        :avocado: tags=accel:tcg
        :avocado: tags=cpu:max
        :avocado: tags=device:gicv2
        """
        self.require_accelerator("tcg")


def helper():
    class NotTopLevel(QemuSystemTest):
        pass
    return NotTopLevel
