from avocado import Test


class Bad(Test):
    def test_ÿ(self):
        pass
