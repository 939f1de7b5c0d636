#!/bin/bash
# tests/transfer/groups.sh through tar x and the groups' shared streams.
GROUPS_VIA=--via-tar
. "$top_srcdir/tests/transfer/groups.sh"
