from avocado import Test

from class_cycle_y import Y


class X(Y):
    def test_x(self):
        pass
