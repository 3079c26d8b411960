from avocado import Test


def with_metaclass(meta, *bases):
    return meta("tmp", bases, {})


class Fine(Test):
    def test_fine(self):
        pass


class Meta(with_metaclass(type, Test)):
    def test_meta(self):
        pass
