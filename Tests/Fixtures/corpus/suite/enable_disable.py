from avocado import Test


class Mixin(object):
    def test_from_mixin(self):
        pass


class Enabled(Mixin):
    """
    :avocado: enable
    :avocado: tags=enabled
    """

    def test_enabled(self):
        pass


class Disabled(Test):
    """
    :avocado: disable
    """

    def test_disabled(self):
        pass


class ChildOfDisabled(Disabled):
    def test_child_of_disabled(self):
        pass


class EnabledEmpty(object):
    """
    :avocado: enable
    """

    def not_a_test(self):
        pass
