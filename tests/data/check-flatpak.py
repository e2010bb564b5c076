#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Flatpak manifest parses and asks for exactly the intended permissions."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

manifest_path, app_id = sys.argv[1], sys.argv[2]

# Network for the transfers, the display, and the Downloads folder as the
# default receive folder; every other folder goes through the file chooser portal.
# The system's Avahi daemon announces receivers and finds them nearby.
INTENDED = [
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
    '--filesystem=xdg-download',
    '--system-talk-name=org.freedesktop.Avahi',
]

errors = []
with open(manifest_path, encoding='utf-8') as f:
    manifest = json.load(f)


def expect(key, value):
    if manifest.get(key) != value:
        errors.append(f'{key} is {manifest.get(key)!r}, expected {value!r}')


expect('id', app_id)
expect('runtime', 'org.gnome.Platform')
expect('runtime-version', '50')
expect('sdk', 'org.gnome.Sdk')
expect('command', 'posthouse')

finish_args = manifest.get('finish-args', [])
if sorted(finish_args) != sorted(INTENDED) or len(finish_args) != len(set(finish_args)):
    extra = sorted(set(finish_args) - set(INTENDED))
    missing = sorted(set(INTENDED) - set(finish_args))
    errors.append(f'finish-args differ from the intended set: extra {extra}, missing {missing}')

if not manifest.get('cleanup'):
    errors.append('no cleanup list')

modules = manifest.get('modules', [])
ours = [m for m in modules if isinstance(m, dict) and m.get('name') == 'posthouse']
if len(ours) != 1:
    errors.append('expected exactly one module named posthouse')
else:
    module = ours[0]
    if module.get('buildsystem') != 'meson':
        errors.append('the posthouse module is not built with meson')
    if '-Dbuildtype=release' not in module.get('config-opts', []):
        errors.append('the posthouse module is not a release build')
    sources = module.get('sources', [])
    if not any(s.get('type') == 'dir' and s.get('path') == '..' for s in sources):
        errors.append('the posthouse module does not build the local tree (type dir, path ..)')
    # Discovery must not vanish silently from the Flatpak (the option is "auto").
    if '-Davahi=enabled' not in module.get('config-opts', []):
        errors.append('the posthouse module does not build with -Davahi=enabled')
    # The GNOME runtime has libavahi-client but not libavahi-glib: a module
    # builds it, before ours.
    names = [m.get('name') for m in modules if isinstance(m, dict)]
    avahi = [m for m in modules if isinstance(m, dict) and m.get('name') == 'avahi']
    if not avahi or names.index('avahi') > names.index('posthouse'):
        errors.append('no avahi module built before posthouse (libavahi-glib)')
    elif any(opt in avahi[0].get('config-opts', []) for opt in ('--disable-glib', '--disable-dbus')):
        errors.append('the avahi module must build libavahi-glib and libavahi-client')
    elif not all(s.get('sha256') for s in avahi[0].get('sources', []) if s.get('type') == 'archive'):
        errors.append('the avahi archive has no sha256')

# flatpak-builder's own parser: it must accept the file and keep what we wrote.
builder = shutil.which('flatpak-builder')
if builder is None:
    print('flatpak-builder not installed: only the JSON was checked')
else:
    with tempfile.TemporaryDirectory() as home:
        # It leaves a .flatpak-builder folder in its working directory: keep it in the temp dir.
        res = subprocess.run([builder, '--show-manifest', os.path.abspath(manifest_path)],
                             capture_output=True, text=True, cwd=home,
                             env={'HOME': home, 'PATH': os.environ.get('PATH', '/usr/bin:/bin')})
    if res.returncode != 0:
        errors.append(f'flatpak-builder --show-manifest failed: {res.stderr.strip()}')
    else:
        shown = json.loads(res.stdout)
        if shown.get('finish-args') != finish_args or shown.get('id') != app_id:
            errors.append('flatpak-builder read a different id or finish-args')
        print('flatpak-builder --show-manifest: OK')

for e in errors:
    print(e)
sys.exit(1 if errors else 0)
