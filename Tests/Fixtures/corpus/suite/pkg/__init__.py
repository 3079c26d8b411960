from avocado import Test


class InPackageInit(Test):
    def test_in_init(self):
        pass
