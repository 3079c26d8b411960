from unittest import TestCase as TC


class FromImport(TC):
    def test_from(self):
        pass

    async def test_async_unit(self):
        pass
