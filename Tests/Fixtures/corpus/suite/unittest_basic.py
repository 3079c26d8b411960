import unittest


class Basic(unittest.TestCase):
    """
    :avocado: tags=unit
    """

    def test_basic(self):
        self.assertTrue(True)

    def setUp(self):
        pass


if __name__ == "__main__":
    unittest.main()
