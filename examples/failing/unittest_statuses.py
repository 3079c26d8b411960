"""PyUNITTEST tests that end FAIL, ERROR, SKIP (and one PASS for contrast)."""

import unittest


class Outcomes(unittest.TestCase):
    def test_pass(self):
        self.assertEqual(1 + 1, 2)

    def test_fail(self):
        self.assertEqual(1, 2, "one is not two")

    def test_error(self):
        raise KeyError("missing key")

    @unittest.skip("not on this host")
    def test_skip(self):
        pass


if __name__ == "__main__":
    unittest.main()
