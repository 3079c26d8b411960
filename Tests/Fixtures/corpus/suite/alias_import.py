from avocado import Test as AvocadoTest


class Aliased(AvocadoTest):
    """
    :avocado: tags=alias
    """

    def test_aliased(self):
        pass
