"""A module with nothing to find."""
import os

VALUE = 1


def test_function():
    pass


class NotAClass:
    pass
