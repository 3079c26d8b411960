#!/usr/bin/env python3
# -*- coding: utf-8 -*-
from __future__ import annotations
import os.path as osp, sys, xml.etree.ElementTree
from . import sibling
from .pkg.mod import *
from ..parent import Thing as T, Other
import avocado; import avocado.core.test as act; x = 1; from avocado import Test

if sys.version_info >= (3, 8):
    import importlib.metadata
    class GuardedOne(Test):
        pass
else:
    class GuardedTwo(Test):
        pass

try:
    from typing import Protocol
except ImportError:
    class Protocol: pass
finally:
    pass

with open(__file__) as handle:
    class InWith(Test): pass

while False:
    class InWhile: pass

for _ in []:
    import never

if True: import also_not_top_level; import nor_this

def function():
    import inside_function
    class InFunction(Test):
        pass

async def coroutine():
    class InCoroutine: pass

match sys.platform:
    case "linux":
        class InMatch: pass
    case _:
        pass

match = 1
case = 2

@decorator
class Decorated(Test):
    pass

@decorator.with_args(1, key="v")
@other
class DecoratedTwice(avocado.Test, metaclass=abc.ABCMeta):
    pass

class OneLine(Test): pass
class OneLineDoc(Test): "one line doc"; x = 1
class OneLineSemis(Test): x = 1; y = 2
class NoBases: pass
class EmptyParens(): pass

class KeywordBases(Base, metaclass=Meta, **extra):
    pass

class ExpressionBases(Generic[T], make_base(), *more, a.b.c, module.Class, 1 if x else 2):
    pass

class TrailingComma(
        First,
        second.Second,
):
    pass

class Continuation(\
    Base):
    pass

class Props(Test):

    @property
    def value(self):
        """The value."""
        return self._value

    @value.setter
    def value(self, v):
        self._value = v

    @staticmethod
    def static(): ...

    @classmethod
    async def cls_coro(cls): pass

    if True:
        def conditional(self):
            pass

    class Nested(Test):
        def test_nested(self):
            pass

    def after_nested(self):
        def inner_function():
            pass
        class InnerClass:
            def inner_method(self):
                pass
        return inner_function

    x = [
        1,
        2,
    ]; y = {'a': (1,
                  2)}

    def last(self): return 1

class Lambdas(Test):
    key = lambda self: self
    def test(self, cb=lambda: (yield)): pass

class ÜnicodeClass(Test):
    """Ünïcödé docstring ✓"""
    def tést_ñame(self):
        """日本語"""
