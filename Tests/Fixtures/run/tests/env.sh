#!/bin/sh
echo "SPEED=${SPEED:-unset} FOO=${FOO:-unset} HOME_SET=${QCOORD_NOT_FORWARDED:-unset}"
