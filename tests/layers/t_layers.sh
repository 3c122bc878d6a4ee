#!/bin/bash
# Includes point down the daemon's layers only (tests/layers/check_layers.py).
exec python3 "$(dirname "$0")/check_layers.py"
