from helpers.common import CommonBase, CommonMixin
from avocado import Test


class Dotted(CommonBase):
    def test_dotted(self):
        pass


class WithMixin(Test, CommonMixin):
    def test_with_mixin(self):
        pass


class MixinFirst(CommonMixin, Test):
    """
    :avocado: tags=order
    """

    def test_mixin_first(self):
        pass
