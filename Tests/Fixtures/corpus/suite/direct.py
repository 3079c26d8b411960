from avocado import Test


class Direct(Test):
    """A plain avocado.Test subclass."""

    def test_one(self):
        pass

    def test_two(self):
        """
        :avocado: tags=fast
        """

    def helper(self):
        pass

    @property
    def test_not_a_property(self):
        return 1

    async def test_async(self):
        pass

    def testcamel(self):
        pass
