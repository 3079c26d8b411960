from avocado import Test


class FirstLevel(Test):
    def test_first_level(self):
        pass
