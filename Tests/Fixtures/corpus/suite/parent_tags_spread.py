from avocado import Test


class Parent(Test):
    """
    :avocado: tags=parent_tag,shared:parent
    """

    def test_inherited(self):
        """
        :avocado: tags=method_tag
        """


class Child(Parent):
    """
    :avocado: tags=shared:child
    """

    def test_own(self):
        """
        :avocado: tags=own_tag
        """


class Untagged(Parent):
    def test_untagged_own(self):
        pass
