from avocado import Test


class Good(Test):
    def test_good(self):
        pass


class UsesOriginalName(Mixin):
    pass


from helper_mod import Mixin as M
