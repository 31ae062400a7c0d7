#!/bin/sh
# Stand-in for Directord tools/dev-setup.sh (test fixture).
exit 0
