from avocado import Test


class PkgBase(Test):
    """
    :avocado: tags=pkg
    """

    def test_pkg_base(self):
        pass
