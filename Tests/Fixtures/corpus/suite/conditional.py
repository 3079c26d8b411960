import sys

from avocado import Test

if sys.version_info > (3,):
    class InsideIf(Test):
        def test_inside_if(self):
            pass


class Nested(Test):
    class Inner(Test):
        def test_inner(self):
            pass

    def test_outer(self):
        pass
