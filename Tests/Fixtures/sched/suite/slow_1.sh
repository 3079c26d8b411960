#!/bin/sh
sleep 0.2
exit 0
