from avocado import Test


class CommonBase(Test):
    """
    :avocado: tags=common
    """

    def test_common(self):
        pass


class CommonMixin(object):
    def test_mixin_method(self):
        """
        :avocado: tags=mixin
        """
