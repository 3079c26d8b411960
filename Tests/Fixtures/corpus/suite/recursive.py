class Mixin(object):
    """
    :avocado: tags=mixin
    """

    def test_mixin(self):
        pass


class Recursive(Mixin):
    """
    :avocado: recursive
    """

    def test_recursive(self):
        pass


class NotRecursive(Mixin):
    def test_not(self):
        pass
