#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# desktop-file-validate exits 0 on some errors ("will be fatal in the future")
# and on hints: any word from it is a failure here.
set -u
out=$(desktop-file-validate "$1" 2>&1)
status=$?
[ -n "$out" ] && printf '%s\n' "$out"
[ "$status" -eq 0 ] && [ -z "$out" ] && echo "$1: valid"
[ "$status" -eq 0 ] && [ -z "$out" ]
