#!/bin/sh
# Says where it ran: the synced tree on the host, not this machine's checkout.
echo "simple ran in $(pwd) as $(id -un)"
