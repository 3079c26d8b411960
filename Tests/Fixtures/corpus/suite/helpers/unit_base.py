import unittest


class UnitBase(unittest.TestCase):
    def test_from_unit_base(self):
        pass
