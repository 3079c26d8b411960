#!/usr/bin/env python3
print("an executable Python file without tests is SIMPLE")
