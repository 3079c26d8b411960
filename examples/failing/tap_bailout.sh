#!/bin/sh
echo 1..3
echo "ok 1 first"
echo "Bail out! lost the device"
