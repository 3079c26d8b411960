from avocado import Test


class Unbalanced(Test):
    def test_x(self):
        call(1, 2
