from unterminated_string import Broken


class FromBroken(Broken):
    def test_from_broken(self):
        pass
