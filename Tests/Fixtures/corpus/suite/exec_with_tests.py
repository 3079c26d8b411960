#!/usr/bin/env python3
from avocado import Test


class ExecWithTests(Test):
    def test_exec(self):
        pass
