import avocado
from avocado import Test

class Crlf(Test):
    """Line one
    line two"""

    def test_one(self):
        '''one
        doc'''
        x = (1,
             2)

    def test_two(self):
        r'''raw
        doc'''
