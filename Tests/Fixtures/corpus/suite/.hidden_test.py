from avocado import Test


class Hidden(Test):
    def test_hidden(self):
        pass
