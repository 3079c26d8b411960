#!/bin/sh
echo 1..2
echo "ok 1 a # SKIP no kvm"
echo "ok 2 b # skip no kvm"
