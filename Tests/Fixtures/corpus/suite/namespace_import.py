from nsdir import nsbase


class ViaNamespaceModule(nsbase.NsBase):
    def test_via_namespace_module(self):
        pass
