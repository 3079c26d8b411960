#!/bin/sh
echo "about to fail"
echo "diagnostics" >&2
exit 1
