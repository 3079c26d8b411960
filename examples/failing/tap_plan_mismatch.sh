#!/bin/sh
echo 1..3
echo "ok 1 a"
echo "ok 2 b"
