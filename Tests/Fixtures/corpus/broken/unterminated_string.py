from avocado import Test


class Broken(Test):
    """
    :avocado: tags=broken
    def test_never(self):
        pass
