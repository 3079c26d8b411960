from avocado import Test


class NsBase(Test):
    def test_ns(self):
        pass
