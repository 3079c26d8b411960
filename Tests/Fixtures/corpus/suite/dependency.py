from avocado import Test


class Deps(Test):
    """
    :avocado: dependency={"type": "package", "name": "gcc"}
    :avocado: tags=deps
    """

    def test_deps(self):
        """
        :avocado: dependency={"type": "asset", "name": "kernel"}
        :avocado: dependency={"broken": }
        """
