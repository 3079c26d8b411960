class Early(Test):
    def test_early(self):
        pass


from avocado import Test


class Late(Test):
    def test_late(self):
        pass
