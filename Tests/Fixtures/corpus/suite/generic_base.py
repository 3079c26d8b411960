from typing import Generic, TypeVar

from avocado import Test

T = TypeVar("T")


class WithGeneric(Test, Generic[T]):
    def test_generic(self):
        pass


class OnlyGeneric(Generic[T]):
    def test_only_generic(self):
        pass
