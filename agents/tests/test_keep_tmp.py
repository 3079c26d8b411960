"""hello.keep_tmp (`qcoord run --keep-tmp`): the agent's scratch dir (ready.scratch) stays."""

import glob
import os
import shutil
import tempfile
import unittest

from tests.driver import AgentProcess


class KeepTmp(unittest.TestCase):
    def script(self):
        d = tempfile.mkdtemp(prefix="qcoord-keep-")
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "leave.sh")
        with open(path, "w") as f:
            f.write('#!/bin/sh\necho left > "$TMPDIR/left.txt"\n')
        os.chmod(path, 0o755)
        return path

    def run_one(self, keep_tmp):
        script = self.script()
        a = AgentProcess()
        ready = a.hello(keep_tmp=keep_tmp)
        scratch = ready["scratch"]
        self.addCleanup(shutil.rmtree, scratch, True)
        self.assertTrue(os.path.isdir(scratch), ready)
        a.run("t1", "SIMPLE", script)
        self.assertEqual(a.wait_finished("t1")["status"], "PASS")
        self.assertEqual(a.close(), 0)
        return scratch

    def test_kept_with_the_tests_files(self):
        scratch = self.run_one(True)
        left = glob.glob(os.path.join(scratch, "task-*", "tmp", "left.txt"))
        self.assertEqual(len(left), 1, os.listdir(scratch) if os.path.isdir(scratch) else "scratch removed")
        with open(left[0]) as f:
            self.assertEqual(f.read(), "left\n")

    def test_removed_without_it(self):
        scratch = self.run_one(None)
        self.assertFalse(os.path.exists(scratch))


if __name__ == "__main__":
    unittest.main()
