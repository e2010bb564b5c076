#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`meson devenv` runs the programs of the build tree as they will run
installed: its settings schema, and its translations (LANGUAGE=zh_CN
speaks Chinese from the build tree, not English).

  check-devenv.py MESON BUILDDIR [--with-app]
"""
import os
import re
import shlex
import subprocess
import sys

CJK = re.compile('[\u4e00-\u9fff]')


def devenv(meson, build, argv, extra=None):
    env = dict(os.environ)
    env.update({'LC_ALL': 'C.UTF-8', 'LANGUAGE': 'zh_CN'})
    # What the developer's shell may have set must not help.
    env.pop('POSTHOUSE_LOCALEDIR', None)
    env.pop('DISPLAY', None)
    env.pop('WAYLAND_DISPLAY', None)
    env.update(extra or {})
    return subprocess.run([meson, 'devenv', '-C', build] + argv, capture_output=True, text=True,
                          env=env, timeout=120)


def main():
    meson, build = sys.argv[1], os.path.realpath(sys.argv[2])
    with_app = '--with-app' in sys.argv[3:]
    errors = []

    dump = devenv(meson, build, ['--dump'])
    if dump.returncode != 0:
        print(f'meson devenv --dump failed: {dump.stderr}')
        return 1
    values = {}
    for line in dump.stdout.splitlines():
        if '=' in line and not line.startswith('export'):
            key, _, value = line.partition('=')
            values[key] = shlex.split(value)[0] if value else ''
    localedir = values.get('POSTHOUSE_LOCALEDIR')
    if localedir is None:
        errors.append('meson devenv does not set POSTHOUSE_LOCALEDIR')
    elif not os.path.isfile(os.path.join(localedir, 'zh_CN', 'LC_MESSAGES', 'posthouse.mo')):
        errors.append(f'no zh_CN catalogue under {localedir}')
    else:
        print(f'POSTHOUSE_LOCALEDIR={localedir}')

    programs = [['posthouse-cli', '--help']]
    if with_app:
        programs.append(['posthouse', '--help'])
    for argv in programs:
        out = devenv(meson, build, argv)
        shown = ' '.join(argv)
        if out.returncode != 0:
            errors.append(f'{shown} failed under meson devenv: {out.stderr}')
        elif not CJK.search(out.stdout):
            errors.append(f'LANGUAGE=zh_CN {shown} under meson devenv is not in Chinese:\n{out.stdout}')
        else:
            print(f'LANGUAGE=zh_CN meson devenv {shown}:\n{out.stdout}')

    for error in errors:
        print(error)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
