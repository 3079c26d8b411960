from avocado import Test


class InHiddenDir(Test):
    def test_in_hidden_dir(self):
        pass
