import avocado as av
import unittest


class ModuleAliased(av.Test):
    """
    :avocado: tags=arch:aarch64
    """

    def test_module_alias(self):
        pass
