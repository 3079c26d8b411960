from class_cycle_x import X


class Y(X):
    def test_y(self):
        pass
