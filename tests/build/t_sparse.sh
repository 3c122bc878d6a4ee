#!/bin/bash
# part-timeout: 200
# make sparse: the module's sources under sparse (C=2) against Debian's kernel trees, clean.
exec "$(dirname "$0")/../kmod/sparse.sh"
