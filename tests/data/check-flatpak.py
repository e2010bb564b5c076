#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Flatpak manifest parses, asks for exactly the intended permissions,
builds what the runtime lacks (libportal), builds without the tests and copies no build or
state folder."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

manifest_path, app_id = sys.argv[1], sys.argv[2]
srcroot = os.path.dirname(os.path.dirname(os.path.abspath(manifest_path)))

# Network for the transfers, the display, and the Downloads folder as the
# default receive folder; every other folder goes through the file chooser portal.
# The system's Avahi daemon announces receivers and finds them nearby,
# under the device's name from systemd-hostnamed (read only).
# Running in the background needs none: the Background portal asks the person.
INTENDED = [
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
    '--filesystem=xdg-download',
    '--system-talk-name=org.freedesktop.Avahi',
    '--system-talk-name=org.freedesktop.hostname1',
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
    if '-Dtests=false' not in module.get('config-opts', []):
        errors.append('the posthouse module builds the tests and benchmarks (-Dtests=false)')
    sources = module.get('sources', [])
    tree = [s for s in sources if s.get('type') == 'dir' and s.get('path') == '..']
    if not tree:
        errors.append('the posthouse module does not build the local tree (type dir, path ..)')
    else:
        # flatpak-builder copies the whole tree into every build: each build
        # or state folder our scripts and .gitignore know must be skipped
        # (by exact path: flatpak-builder has no patterns).
        # The anchored folders of .gitignore, and flatpak-builder's own
        # state folder in the top folder.
        wanted = {'.git', '.flatpak-builder'}
        with open(os.path.join(srcroot, '.gitignore'), encoding='utf-8') as f:
            for line in f:
                line = line.strip()
                if line.startswith('/') and line.endswith('/') and not re.search(r'[*?\[]', line):
                    wanted.add(line.strip('/'))
        scripts = glob.glob(os.path.join(srcroot, 'build-aux', '*')) + [os.path.join(srcroot, 'README.md')]
        for script in filter(os.path.isfile, scripts):
            with open(script, encoding='utf-8') as f:
                wanted.update(re.findall(r'(?<![\w/.-])(_build(?:-[a-z0-9]+)*)(?![\w.])', f.read()))
        missing = sorted(wanted - set(tree[0].get('skip', [])))
        if missing:
            errors.append(f'the source skip list misses build or state folders: {missing}')
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

# The GNOME 50 runtime has no libportal (GNOME moved it into the runtimes
# after 50): the manifest builds it, GTK 4 backend only, before Posthouse.
names = [m.get('name') if isinstance(m, dict) else m for m in modules]
if 'libportal' not in names:
    errors.append('no libportal module (the Background portal needs libportal and libportal-gtk4)')
else:
    portal = modules[names.index('libportal')]
    if 'posthouse' in names and names.index('libportal') > names.index('posthouse'):
        errors.append('libportal is built after posthouse')
    if portal.get('buildsystem') != 'meson':
        errors.append('libportal is not built with meson')
    opts = portal.get('config-opts', [])
    for opt in ['-Dbackend-gtk4=enabled', '-Dbackend-gtk3=disabled', '-Dbackend-qt5=disabled',
                '-Dbackend-qt6=disabled', '-Dintrospection=false', '-Dvapi=false',
                '-Ddocs=false', '-Dtests=false']:
        if opt not in opts:
            errors.append(f'libportal is not built with {opt}')
    # Its release tarball, pinned by its sha256 (Debian's mirror serves it
    # byte for byte as upstream released it, and CI can reach that mirror).
    archives = [src for src in portal.get('sources', []) if src.get('type') == 'archive']
    if len(archives) != 1 or not archives[0].get('url', '').endswith('.tar.xz') or \
       not re.fullmatch(r'[0-9a-f]{64}', archives[0].get('sha256', '')):
        errors.append('libportal is not one release archive pinned by its sha256')

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
