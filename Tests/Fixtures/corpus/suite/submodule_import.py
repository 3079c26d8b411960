import avocado.utils


class SubmoduleImported(avocado.Test):
    def test_submodule(self):
        pass
