#!/bin/sh
# Ignores SIGTERM: only a kill of its process group (SIGKILL) ends it.
trap '' TERM
sleep 60 &
wait $!
wait $!
