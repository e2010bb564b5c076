#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Installs the build into a temporary DESTDIR (never the real system).

Shared by the install tests: install(builddir) returns (destdir, root) where
root is DESTDIR + prefix. The caller removes destdir."""
import os
import subprocess
import sys
import tempfile


def install(builddir, prefix):
    destdir = tempfile.mkdtemp(prefix='posthouse-install-')
    env = dict(os.environ, DESTDIR=destdir)
    res = subprocess.run(['meson', 'install', '-C', builddir, '--no-rebuild',
                          '--quiet', '--destdir', destdir],
                         capture_output=True, text=True, env=env)
    if res.returncode != 0:
        sys.stdout.write(res.stdout)
        sys.stdout.write(res.stderr)
        raise SystemExit('meson install --destdir failed')
    return destdir, destdir + prefix
