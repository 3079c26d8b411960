from cycle_a import CycleA


class CycleB(CycleA):
    def test_b(self):
        pass
