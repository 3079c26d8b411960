from avocado import Test


class Good(Test):
    def test_good(self):
        pass


class UsesOriginalName(Helper):
    pass


from helpers.common import CommonMixin as Helper
