from avocado import Test


class TagsOnly(Test):
    """
    :avocado: tags=parent_tag,arch:s390x
    """

    def helper(self):
        pass


class Child(TagsOnly):
    """
    :avocado: tags=child_tag
    """

    def test_child(self):
        pass
