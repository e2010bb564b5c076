#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`meson install` into a DESTDIR lays out the files where GNOME looks for them."""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import install_tree  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument('--builddir', required=True)
parser.add_argument('--prefix', required=True)
parser.add_argument('--bindir', required=True)
parser.add_argument('--datadir', required=True)
parser.add_argument('--localedir', required=True)
parser.add_argument('--app-id', required=True)
parser.add_argument('--with-app', choices=['true', 'false'], required=True)
args = parser.parse_args()

destdir, root = install_tree.install(args.builddir, args.prefix)
errors = []


def under(path):
    """An absolute install path, moved into DESTDIR."""
    return destdir + path


def rel(path, base):
    return os.path.relpath(path, base)


try:
    app_id = args.app_id
    bindir, datadir, localedir = under(args.bindir), under(args.datadir), under(args.localedir)
    expected = [
        (bindir, 'posthouse-cli'),
        (localedir, 'zh_CN/LC_MESSAGES/posthouse.mo'),
    ]
    if args.with_app == 'true':
        expected += [
            (bindir, 'posthouse'),
            (datadir, f'applications/{app_id}.desktop'),
            (datadir, f'metainfo/{app_id}.metainfo.xml'),
            (datadir, f'glib-2.0/schemas/{app_id}.gschema.xml'),
            (datadir, f'icons/hicolor/scalable/apps/{app_id}.svg'),
            (datadir, f'icons/hicolor/symbolic/apps/{app_id}-symbolic.svg'),
            (datadir, f'dbus-1/services/{app_id}.service'),
        ]
    for base, path in expected:
        full = os.path.join(base, path)
        shown = rel(full, destdir)
        if not os.path.isfile(full):
            errors.append(f'not installed: /{shown}')
        elif os.path.basename(os.path.dirname(full)) == 'bin' and not os.access(full, os.X_OK):
            errors.append(f'not executable: /{shown}')
        else:
            print(f'installed: /{shown}')

    # Nothing lands outside the prefix.
    for dirpath, _, filenames in os.walk(destdir):
        for name in filenames:
            full = os.path.join(dirpath, name)
            if not full.startswith(root + os.sep):
                errors.append(f'installed outside the prefix: /{rel(full, destdir)}')

    if args.with_app == 'true':
        service = os.path.join(datadir, f'dbus-1/services/{app_id}.service')
        if os.path.isfile(service):
            with open(service, encoding='utf-8') as f:
                text = f.read()
            want = f'Exec={os.path.join(args.bindir, "posthouse")} --gapplication-service'
            if f'Name={app_id}\n' not in text or want not in text:
                errors.append(f'the D-Bus service file does not start {want!r}:\n{text}')

        desktop = os.path.join(datadir, f'applications/{app_id}.desktop')
        if os.path.isfile(desktop):
            res = subprocess.run(['desktop-file-validate', desktop], capture_output=True, text=True)
            if res.returncode != 0 or res.stdout.strip():
                errors.append(f'installed desktop file: {res.stdout}{res.stderr}')
            with open(desktop, encoding='utf-8') as f:
                text = f.read()
            if 'Name[zh_CN]=' not in text:
                errors.append('the installed desktop file has no Chinese name')

        # What the post-install step does on a real install (it is skipped with DESTDIR).
        schemadir = os.path.join(datadir, 'glib-2.0/schemas')
        if os.path.isdir(schemadir):
            res = subprocess.run(['glib-compile-schemas', '--strict', schemadir],
                                 capture_output=True, text=True)
            if res.returncode != 0:
                errors.append(f'installed schema does not compile: {res.stderr}')

    mo = os.path.join(localedir, 'zh_CN/LC_MESSAGES/posthouse.mo')
    if os.path.isfile(mo):
        env = dict(os.environ, TEXTDOMAINDIR=localedir, LANGUAGE='zh_CN', LC_ALL='C.UTF-8')
        res = subprocess.run(['gettext', '-d', 'posthouse', 'Posthouse'],
                             capture_output=True, text=True, env=env)
        if res.stdout == 'Posthouse':
            errors.append('the installed catalogue does not translate "Posthouse"')
        else:
            print(f'installed catalogue: "Posthouse" → "{res.stdout}"')
finally:
    shutil.rmtree(destdir, ignore_errors=True)

for e in errors:
    print(e)
sys.exit(1 if errors else 0)
