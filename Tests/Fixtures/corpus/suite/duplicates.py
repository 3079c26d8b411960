from avocado import Test


class Dup(Test):
    def test_same(self):
        """
        :avocado: tags=first
        """

    def test_same(self):
        """
        :avocado: tags=second
        """


class Other(Test):
    def test_other(self):
        pass


class Dup(Test):
    def test_redefined(self):
        pass
