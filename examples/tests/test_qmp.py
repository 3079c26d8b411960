"""QEMU over QMP: version, machine types and CPU models, on two target architectures."""

from qemu_test import QemuSystemTest


class X86QMP(QemuSystemTest):
    """
    :avocado: tags=arch:x86_64,qmp,quick
    """

    def test_query_version(self):
        self.vm.launch()
        version = self.vm.cmd("query-version")
        self.assertGreaterEqual(version["qemu"]["major"], 2)
        self.log.info("QEMU %(major)d.%(minor)d.%(micro)d", version["qemu"])

    def test_query_machines(self):
        self.vm.launch()
        machines = self.vm.cmd("query-machines")
        names = {m["name"] for m in machines} | {m["alias"] for m in machines if "alias" in m}
        self.assertIn("q35", names)
        self.assertIn("none", names)

    def test_query_cpu_definitions(self):
        self.vm.launch()
        models = {c["name"] for c in self.vm.cmd("query-cpu-definitions")}
        self.assertIn("qemu64", models)


class AArch64VirtQMP(QemuSystemTest):
    """
    :avocado: tags=arch:aarch64,machine:virt,qmp,quick
    """

    def test_query_machines(self):
        self.vm.launch()
        machines = self.vm.cmd("query-machines")
        names = {m["name"] for m in machines} | {m["alias"] for m in machines if "alias" in m}
        self.assertIn("virt", names)

    def test_query_cpus(self):
        self.vm.add_args("-cpu", "cortex-a57")
        self.vm.launch()
        cpus = self.vm.cmd("query-cpus-fast")
        self.assertEqual(len(cpus), 1)
        self.assertEqual(cpus[0]["target"], "aarch64")
        models = {c["name"] for c in self.vm.cmd("query-cpu-definitions")}
        self.assertIn("cortex-a57", models)

    def test_human_monitor(self):
        self.vm.launch()
        out = self.vm.cmd("human-monitor-command", **{"command-line": "info version"})
        self.assertRegex(out, r"^\d+\.\d+\.\d+")
