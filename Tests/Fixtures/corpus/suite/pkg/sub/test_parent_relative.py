from ..base import PkgBase


class TwoLevels(PkgBase):
    """
    :avocado: tags=two_levels
    """

    def test_two_levels(self):
        pass
