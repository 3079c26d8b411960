import unittest

from avocado import Test


class AvocadoOne(Test):
    def test_avocado(self):
        pass


class UnitOne(unittest.TestCase):
    def test_unit(self):
        pass
