from avocado import Test


class FlatThenValue(Test):
    """
    :avocado: tags=k,k:v
    """

    def test_lost(self):
        pass
