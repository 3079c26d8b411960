from avocado import Test

from cycle_b import CycleB


class CycleA(Test):
    def test_a(self):
        pass
