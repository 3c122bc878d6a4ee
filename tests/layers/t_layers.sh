#!/bin/bash
# The daemon's shape: includes point down the layers only (check_layers.py), and no
# function is over 100 lines (check_functions.py).
here=$(dirname "$0")
r=0
python3 "$here/check_layers.py" || r=1
python3 "$here/check_functions.py" || r=1
exit $r
