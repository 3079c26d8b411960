import avocado


class ModuleImported(avocado.Test):
    def test_module(self):
        pass


class NotATest(object):
    def test_ignored(self):
        pass
