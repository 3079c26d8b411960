"""Pure pieces of the agent: arch names, TAP parsing, file-name safety."""

import unittest

import qcoord_agent as agent


class NormalizeArch(unittest.TestCase):
    def test_uname_spellings(self):
        cases = {"x86_64": "x86_64", "amd64": "x86_64", "i686": "i386", "i386": "i386",
                 "aarch64": "aarch64", "arm64": "aarch64", "armv7l": "arm", "ppc64le": "ppc64",
                 "ppc64": "ppc64", "s390x": "s390x", "riscv64": "riscv64", "mips64el": "mips64el",
                 "loongarch64": "loongarch64", "PPC64LE": "ppc64"}
        for uname, want in cases.items():
            self.assertEqual(agent.normalize_arch(uname), want, uname)


def tap(text, rc=0):
    p = agent.TapParser()
    p.feed(text.encode())
    p.close()
    return p.status(rc)


class TapParserTest(unittest.TestCase):
    def test_all_ok_passes(self):
        self.assertEqual(tap("1..2\nok 1 a\nok 2 b\n"), ("PASS", None))

    def test_plan_at_end(self):
        self.assertEqual(tap("ok 1 a\nok 2 b\n1..2\n"), ("PASS", None))

    def test_not_ok_fails_with_its_line(self):
        self.assertEqual(tap("1..2\nok 1 a\nnot ok 2 b broke\n"), ("FAIL", "not ok 2 b broke"))

    def test_todo_does_not_fail(self):
        self.assertEqual(tap("1..2\nok 1 a\nnot ok 2 b # TODO later\n"), ("PASS", None))

    def test_all_skipped_is_skip(self):
        self.assertEqual(tap("1..2\nok 1 a # SKIP no kvm\nok 2 b # skip x\n")[0], "SKIP")
        self.assertEqual(tap("1..0 # SKIP nothing here\n"), ("SKIP", "SKIP nothing here"))

    def test_bail_out_is_error(self):
        self.assertEqual(tap("1..3\nok 1 a\nBail out! disk gone\nnot ok 2\n"), ("ERROR", "Bail out! disk gone"))

    def test_plan_mismatch_is_error(self):
        status, reason = tap("1..3\nok 1 a\nok 2 b\n")
        self.assertEqual(status, "ERROR")
        self.assertIn("1..3", reason)

    def test_missing_plan_is_error(self):
        self.assertEqual(tap("ok 1 a\n")[0], "ERROR")

    def test_nonzero_exit_fails(self):
        self.assertEqual(tap("1..1\nok 1 a\n", rc=2), ("FAIL", "Exited with status 2"))

    def test_chunks_split_mid_line(self):
        p = agent.TapParser()
        for piece in (b"1..", b"2\nok 1", b" a\nnot o", b"k 2 b\n"):
            p.feed(piece)
        p.close()
        self.assertEqual(p.status(0)[0], "FAIL")


class SafeNames(unittest.TestCase):
    def test_relative_names_pass(self):
        self.assertEqual(agent.safe_relative_name("debug.log"), "debug.log")
        self.assertEqual(agent.safe_relative_name("data/sub/x.bin"), "data/sub/x.bin")
        self.assertEqual(agent.safe_relative_name("./data//x"), "data/x")
        self.assertEqual(agent.safe_relative_name("..dots"), "..dots")

    def test_escaping_names_rejected(self):
        for bad in ("/etc/passwd", "../x", "data/../../x", "..", "", ".", "a\\b", "a\x00b"):
            self.assertIsNone(agent.safe_relative_name(bad), bad)


if __name__ == "__main__":
    unittest.main()


class OneLineReasons(unittest.TestCase):
    """A fail_reason is one line; the full multi-line text goes to the test's debug.log."""

    def test_one_line_folds_lines(self):
        self.assertEqual(agent.one_line("Could not find qemu in:\n  /usr/bin\n\n  /opt/bin\n"),
                         "Could not find qemu in: | /usr/bin | /opt/bin")
        self.assertEqual(agent.one_line("plain"), "plain")
        self.assertEqual(agent.one_line("a repr 'x\\ny' stays"), "a repr 'x\\ny' stays")
        self.assertIsNone(agent.one_line(None))

    def test_task_error_reason_is_one_line(self):
        e = agent.TaskError("CANCEL", "no qemu-system-x86_64 in:\n/a\n/b")
        self.assertNotIn("\n", e.reason)
        self.assertEqual(e.reason, "no qemu-system-x86_64 in: | /a | /b")

    def test_full_reason_goes_to_an_existing_debug_log(self):
        import os
        import tempfile
        import types
        with tempfile.TemporaryDirectory() as d:
            fake = types.SimpleNamespace(plan=types.SimpleNamespace(results=d), id="t1")
            # No debug.log of the test's own: folded, and none is made (qcoord writes one).
            self.assertEqual(agent.Task.one_line_reason(fake, "a\nb"), "a | b")
            self.assertFalse(os.path.exists(os.path.join(d, "debug.log")))
            with open(os.path.join(d, "debug.log"), "w") as f:
                f.write("runner log\n")
            self.assertEqual(agent.Task.one_line_reason(fake, "first\nsecond"), "first | second")
            with open(os.path.join(d, "debug.log")) as f:
                self.assertEqual(f.read(), "runner log\nfail_reason (full text):\nfirst\nsecond\n")
            self.assertEqual(agent.Task.one_line_reason(fake, "single"), "single")
