#!/bin/sh
echo "sleeping"
sleep 60
