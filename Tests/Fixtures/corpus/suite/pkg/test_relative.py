from .base import PkgBase
from . import base


class Relative(PkgBase):
    def test_relative(self):
        pass


class RelativeModule(base.PkgBase):
    def test_relative_module(self):
        pass
