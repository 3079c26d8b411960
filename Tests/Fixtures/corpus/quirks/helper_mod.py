class Mixin(object):
    def test_from_mixin(self):
        pass
