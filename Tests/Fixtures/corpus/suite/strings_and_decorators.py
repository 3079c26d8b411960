import functools

from avocado import Test, skipIf

TEXT = """
class Fake(Test):
    def test_fake(self):
        pass
"""


class Decorated(Test):
    '''
    :avocado: tags=decorated
    '''

    @skipIf(True, "reason with ) paren")
    def test_skipped(self):
        pass

    @functools.wraps(print)
    def test_wrapped(self):
        r"""
        :avocado: tags=raw\doc
        """

    @staticmethod
    def test_static():
        pass

    def test_fstring(self):
        f"not a docstring {1}"


class Continued(
    Test,
):
    def test_continued(self): pass
