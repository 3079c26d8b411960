# with a byte order mark
import avocado

class Bom(avocado.Test):
    """BOM file"""
    def test(self):
        pass
