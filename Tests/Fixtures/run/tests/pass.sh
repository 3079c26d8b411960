#!/bin/sh
echo "pass out"
echo "pass err" >&2
exit 0
