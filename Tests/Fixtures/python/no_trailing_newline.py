import avocado
class NoTrailingNewline(avocado.Test):
    def test(self):
        pass