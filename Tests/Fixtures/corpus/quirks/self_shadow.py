from avocado import Test


class Base(Test):
    def test_base(self):
        pass


class Base(Base):
    def test_shadow(self):
        pass
