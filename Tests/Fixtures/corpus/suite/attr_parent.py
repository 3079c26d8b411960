from helpers import common
import helpers.common


class ViaModuleAttr(common.CommonBase):
    def test_via_attr(self):
        pass
