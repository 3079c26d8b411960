"""The one arch alias table, agents/arch_aliases.json, as the agent reads it.

QCoordCore's ArchName is generated from the same file (Tests/QCoordCoreTests/Arch checks it
the same way), and the shipped agent carries it on its ARCH_TABLE_JSON line
(Tests/QCoordRunTests/AgentEmbeddingTests).
"""

import json
import os
import re
import unittest

import qcoord_agent as agent

TABLE = os.path.join(os.path.dirname(os.path.abspath(agent.__file__)), "arch_aliases.json")


def load_table():
    with open(TABLE, encoding="utf-8") as f:
        return json.load(f)


class ArchTableFile(unittest.TestCase):
    def test_flat_object_of_lowercase_names_each_once(self):
        table = load_table()
        self.assertIsInstance(table, dict)
        seen = {}
        for target, aliases in table.items():
            self.assertIsInstance(aliases, list, target)
            for name in [target] + aliases:
                self.assertRegex(name, r"^[a-z0-9_-]+$")
                self.assertNotIn(name, seen, "%s is under %s and %s" % (name, seen.get(name), target))
                seen[name] = target

    def test_covers_the_targets_qcoord_places_tests_on(self):
        table = load_table()
        for target in ("x86_64", "i386", "aarch64", "arm", "ppc64", "ppc", "s390x", "riscv64", "riscv32",
                       "mips64el", "mips64", "mipsel", "mips", "loongarch64", "sparc64", "sparc", "m68k",
                       "alpha", "hppa", "sh4", "xtensa", "or1k", "microblaze", "avr", "rx", "tricore"):
            self.assertIn(target, table)


class NormalizeArchOverTheTable(unittest.TestCase):
    def test_every_alias_and_target_normalizes_to_its_target(self):
        for target, aliases in load_table().items():
            for name in [target] + aliases:
                self.assertEqual(agent.normalize_arch(name), target, name)
                self.assertEqual(agent.normalize_arch(name.upper()), target, name)
                self.assertEqual(agent.normalize_arch(" %s\n" % name), target, name)

    def test_the_agent_table_is_the_file(self):
        self.assertEqual(agent.ARCH_TABLE_JSON, None, "the repo agent reads the file; only the shipped one carries it")
        self.assertEqual(agent.ARCH_ALIASES, agent.load_arch_aliases(json.dumps(load_table())))

    def test_unknown_names_pass_through_lowercased(self):
        self.assertEqual(agent.normalize_arch("Qemu-Future64"), "qemu-future64")
        self.assertEqual(agent.normalize_arch(""), "")
        self.assertIsNone(agent.normalize_arch(None))

    def test_regressions(self):
        # `arch:s390` was s390 in the coordinator and s390x here; armv8l was aarch64 in one
        # coordinator copy and arm in the other (it is a 32-bit personality: arm).
        self.assertEqual(agent.normalize_arch("s390"), "s390x")
        self.assertEqual(agent.normalize_arch("armv8l"), "arm")
        self.assertEqual(agent.normalize_arch("armv8"), "aarch64")
        self.assertEqual(agent.normalize_arch("x86-64"), "x86_64")

    def test_the_embedded_form_needs_no_side_file(self):
        # What the embedder writes on the marker line: the table as a one-line JSON string.
        line = "ARCH_TABLE_JSON = '%s'" % json.dumps(load_table(), separators=(",", ":"), sort_keys=True)
        scope = {}
        exec(line, scope)  # noqa: S102 - a literal built above
        self.assertEqual(agent.load_arch_aliases(scope["ARCH_TABLE_JSON"]), agent.ARCH_ALIASES)
        with open(agent.__file__, encoding="utf-8") as f:
            markers = [l for l in f.read().splitlines() if re.match(r"ARCH_TABLE_JSON\s*=", l)]
        self.assertEqual(markers, ["ARCH_TABLE_JSON = None  # replaced by the embedder"])


if __name__ == "__main__":
    unittest.main()
