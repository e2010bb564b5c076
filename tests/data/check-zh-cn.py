#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""From an installed prefix (in a DESTDIR), under LANGUAGE=zh_CN:
  check-zh-cn.py … cli      posthouse-cli's --help texts come out in Chinese;
  check-zh-cn.py … window   the window title does (skipped without bin/posthouse)."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import install_tree  # noqa: E402

SKIP = 77
CJK = re.compile('[\u4e00-\u9fff]')

parser = argparse.ArgumentParser()
parser.add_argument('--builddir', required=True)
parser.add_argument('--prefix', required=True)
parser.add_argument('--bindir', required=True)
parser.add_argument('--datadir', required=True)
parser.add_argument('--localedir', required=True)
parser.add_argument('part', choices=['cli', 'window'])
args = parser.parse_args()


def run(argv, destdir, lang, extra_env=None, timeout=60):
    env = dict(os.environ)
    env.update({
        'LC_ALL': 'C.UTF-8',
        # The programs look here first: their compiled-in LOCALEDIR is the
        # final prefix, not this DESTDIR copy.
        'POSTHOUSE_LOCALEDIR': destdir + args.localedir,
    })
    if lang:
        env['LANGUAGE'] = lang
    else:
        env.pop('LANGUAGE', None)
    env.update(extra_env or {})
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)


def check_cli(destdir):
    errors = []
    cli = destdir + os.path.join(args.bindir, 'posthouse-cli')
    for argv in ([cli, '--help'], [cli, 'send', '--help'], [cli, 'receive', '--help']):
        english = run(argv, destdir, None)
        chinese = run(argv, destdir, 'zh_CN')
        shown = ' '.join(['posthouse-cli'] + argv[1:])
        if english.returncode != 0 or chinese.returncode != 0:
            errors.append(f'{shown} failed: {english.stderr}{chinese.stderr}')
        elif CJK.search(english.stdout):
            errors.append(f'{shown} is in Chinese without LANGUAGE=zh_CN')
        elif not CJK.search(chinese.stdout):
            errors.append(f'{shown} under LANGUAGE=zh_CN is not in Chinese:\n{chinese.stdout}')
        else:
            print(f'LANGUAGE=zh_CN {shown}:\n{chinese.stdout}')
    return errors


# Start the installed app on a private X server and D-Bus, wait for the window
# of our process, print its title, quit.
WINDOW_SCRIPT = r'''
"$APP" & pid=$!
title=
for i in $(seq 1 300); do
  wid=$(xdotool search --pid "$pid" 2>/dev/null | head -n 1)
  if [ -n "$wid" ]; then
    title=$(xdotool getwindowname "$wid" 2>/dev/null)
    [ -n "$title" ] && break
  fi
  sleep 0.1
done
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
printf 'TITLE:%s\n' "$title"
'''


def check_window(destdir):
    app = destdir + os.path.join(args.bindir, 'posthouse')
    if not os.path.isfile(app):
        return None, 'bin/posthouse is not installed (no app in this build yet)'
    for tool in ('xvfb-run', 'dbus-run-session', 'xdotool'):
        if shutil.which(tool) is None:
            return None, f'{tool} is not installed'
    schemadir = destdir + os.path.join(args.datadir, 'glib-2.0', 'schemas')
    subprocess.run(['glib-compile-schemas', schemadir], check=True)
    home = tempfile.mkdtemp(prefix='posthouse-home-')
    extra = {
        'APP': app,
        'GDK_BACKEND': 'x11',
        'GSETTINGS_BACKEND': 'memory',
        'GSETTINGS_SCHEMA_DIR': schemadir,
        'XDG_DATA_DIRS': destdir + args.datadir + ':/usr/local/share:/usr/share',
        'HOME': home,
        'XDG_CONFIG_HOME': os.path.join(home, 'config'),
        'XDG_DATA_HOME': os.path.join(home, 'data'),
        'XDG_CACHE_HOME': os.path.join(home, 'cache'),
        'GTK_A11Y': 'none',
        'NO_AT_BRIDGE': '1',
    }
    try:
        res = run(['dbus-run-session', '--', 'xvfb-run', '-a', 'sh', '-c', WINDOW_SCRIPT],
                  destdir, 'zh_CN', extra, timeout=90)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    titles = [l[len('TITLE:'):] for l in res.stdout.splitlines() if l.startswith('TITLE:')]
    title = titles[-1] if titles else ''
    if not title:
        return [f'no window title found:\n{res.stdout}{res.stderr}'], None
    if not CJK.search(title):
        return [f'the window title under LANGUAGE=zh_CN is not in Chinese: {title!r} '
                 '(the test points POSTHOUSE_LOCALEDIR at the DESTDIR copy of the catalogues: '
                 'does bin/posthouse look there, as posthouse-cli does?)'], None
    print(f'LANGUAGE=zh_CN window title: {title}')
    return [], None


destdir, _ = install_tree.install(args.builddir, args.prefix)
try:
    if args.part == 'cli':
        errors, skipped = check_cli(destdir), None
    else:
        errors, skipped = check_window(destdir)
finally:
    shutil.rmtree(destdir, ignore_errors=True)

if skipped:
    print('SKIP:', skipped)
    sys.exit(SKIP)
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
