#!/usr/bin/env python3
from avocado import Test
x = "unterminated
