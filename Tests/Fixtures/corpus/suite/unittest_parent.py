import unittest

from helpers.unit_base import UnitBase


class Local(unittest.TestCase):
    def test_local(self):
        pass


class LocalChild(Local):
    def test_local_child(self):
        pass


class Imported(UnitBase):
    def test_imported_child(self):
        pass
