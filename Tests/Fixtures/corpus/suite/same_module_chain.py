from avocado import Test


class Base(Test):
    """
    :avocado: tags=base,level:0
    """

    def test_base(self):
        """
        :avocado: tags=level:method
        """

    def test_overridden(self):
        """
        :avocado: tags=from_base
        """


class Mid(Base):
    """
    :avocado: tags=level:1
    """

    def test_mid(self):
        pass

    def test_overridden(self):
        """
        :avocado: tags=from_mid
        """


class Leaf(Mid):
    """
    :avocado: tags=leaf
    """

    def test_leaf(self):
        pass


class Plain(object):
    def test_plain(self):
        pass
