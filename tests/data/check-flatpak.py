#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Flatpak manifest as a Flathub reviewer reads it: the intended
permissions and no more, each with a comment saying why; the modules GNOME's
runtime lacks (avahi's libavahi-glib, libportal) built from their upstream
releases, pinned by sha256 and watched by x-checker-data, installed into
/app/lib; a cleanup that leaves what runs; the app built without its tests
and without copying build or state folders. (build-aux/flatpak-test builds
it and checks the result.)"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from urllib.parse import urlparse

import yaml

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

# What Flathub's reviewers refuse for an application like this one.
FORBIDDEN = [
    (r'--filesystem=(home|host|host-os|host-etc|~|/)(:.*)?', 'broad file system access'),
    (r'--socket=(session-bus|system-bus)', 'the whole bus'),
    (r'--socket=x11', 'X11 even under Wayland (fallback-x11 is enough)'),
    (r'--device=all', 'every device'),
    (r'--talk-name=org\.freedesktop\.Flatpak', 'a way out of the sandbox'),
]

# Modules GNOME's runtime (50) lacks, which the manifest builds.
UPSTREAM = {
    'avahi': 'https://github.com/lathiat/avahi/releases/download/',
    'libportal': 'https://github.com/flatpak/libportal/releases/download/',
}

errors = []
with open(manifest_path, encoding='utf-8') as f:
    text = f.read()
manifest = yaml.safe_load(text)


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
for arg in finish_args:
    for pattern, why in FORBIDDEN:
        if re.fullmatch(pattern, arg):
            errors.append(f'finish-arg {arg}: {why}')

# Each permission has a comment saying why, right above it.
block = re.search(r'^finish-args:\n((?:[ \t]+.*\n|\n)*)', text, re.M)
if not block:
    errors.append('no finish-args block at the top level')
else:
    previous = None
    for line in block.group(1).splitlines():
        stripped = line.strip()
        if stripped.startswith('- '):
            if previous is None or not previous.startswith('#'):
                errors.append(f'finish-arg {stripped[2:]} has no comment above it saying why')
        previous = stripped or previous

cleanup = manifest.get('cleanup', [])
for needed in ('/include', '/lib/pkgconfig', '/share/pkgconfig', '/lib/*.so', '*.la', '*.a'):
    if needed not in cleanup:
        errors.append(f'the cleanup does not remove {needed} (only needed to build)')

modules = manifest.get('modules', [])
names = [m.get('name') if isinstance(m, dict) else m for m in modules]
for module in modules:
    if not isinstance(module, dict):
        errors.append(f'module {module!r} is in another file: keep them here')
        continue
    # meson's default libdir depends on the Sdk (lib64, lib/x86_64-linux-gnu):
    # the app and its pkg-config look in /app/lib.
    if module.get('buildsystem') == 'meson' and '--libdir=lib' not in module.get('config-opts', []):
        errors.append(f"module {module['name']} is built with meson without --libdir=lib")
    for source in module.get('sources', []):
        if source.get('type') not in ('archive', 'file'):
            continue
        url = source.get('url', '')
        where = f"module {module['name']}: {url}"
        if urlparse(url).scheme != 'https':
            errors.append(f'{where} is not https')
        if '/pool/' in urlparse(url).path:
            errors.append(f'{where} is a distribution\'s copy, not the upstream release')
        if not re.fullmatch(r'[0-9a-f]{64}', source.get('sha256', '')):
            errors.append(f'{where} is not pinned by a sha256')
        checker = source.get('x-checker-data')
        if not isinstance(checker, dict) or not checker.get('type'):
            errors.append(f'{where} has no x-checker-data: a new release would go unnoticed')
        elif checker['type'] == 'json' and not all(checker.get(k) for k in ('url', 'version-query', 'url-query')):
            errors.append(f'{where}: a json checker needs url, version-query and url-query')

for name, prefix in UPSTREAM.items():
    if name not in names:
        errors.append(f'no {name} module (GNOME\'s runtime has no ' +
                      ('libavahi-glib' if name == 'avahi' else 'libportal') + ')')
        continue
    module = modules[names.index(name)]
    if 'posthouse' in names and names.index(name) > names.index('posthouse'):
        errors.append(f'{name} is built after posthouse')
    archives = [s for s in module.get('sources', []) if s.get('type') == 'archive']
    if len(archives) != 1 or not archives[0].get('url', '').startswith(prefix):
        errors.append(f'{name} is not one archive of its upstream release ({prefix}…)')

if 'avahi' in names:
    avahi = modules[names.index('avahi')]
    opts = avahi.get('config-opts', [])
    if any(opt in opts for opt in ('--disable-glib', '--disable-dbus')):
        errors.append('the avahi module must build libavahi-glib and libavahi-client')
    if any(opt.startswith('--libdir=') and opt != '--libdir=/app/lib' for opt in opts):
        errors.append('the avahi module installs its libraries outside /app/lib')
    for leftover in ('/bin', '/sbin', '/etc', '/share', '/lib/avahi', '/lib/libavahi-core*'):
        if leftover not in avahi.get('cleanup', []):
            errors.append(f'the avahi module leaves {leftover} (only its client libraries are used)')

if 'libportal' in names:
    opts = modules[names.index('libportal')].get('config-opts', [])
    if modules[names.index('libportal')].get('buildsystem') != 'meson':
        errors.append('libportal is not built with meson')
    for opt in ['-Dbackend-gtk4=enabled', '-Dbackend-gtk3=disabled', '-Dbackend-qt5=disabled',
                '-Dbackend-qt6=disabled', '-Dintrospection=false', '-Dvapi=false',
                '-Ddocs=false', '-Dtests=false']:
        if opt not in opts:
            errors.append(f'libportal is not built with {opt}')

ours = [m for m in modules if isinstance(m, dict) and m.get('name') == 'posthouse']
if len(ours) != 1:
    errors.append('expected exactly one module named posthouse')
else:
    module = ours[0]
    opts = module.get('config-opts', [])
    if module.get('buildsystem') != 'meson':
        errors.append('the posthouse module is not built with meson')
    if '-Dbuildtype=release' not in opts:
        errors.append('the posthouse module is not a release build')
    if '-Dtests=false' not in opts:
        errors.append('the posthouse module builds the tests and benchmarks (-Dtests=false)')
    # Discovery must not vanish silently from the Flatpak (the option is "auto").
    if '-Davahi=enabled' not in opts:
        errors.append('the posthouse module does not build with -Davahi=enabled')
    tree = [s for s in module.get('sources', []) if s.get('type') == 'dir' and s.get('path') == '..']
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

# flatpak-builder's own parser: it must accept the file and keep what we wrote.
builder = shutil.which('flatpak-builder')
if builder is None:
    print('flatpak-builder not installed: only the YAML was checked')
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
        if [m.get('name') for m in shown.get('modules', [])] != names:
            errors.append('flatpak-builder read different modules')
        print('flatpak-builder --show-manifest: OK')

for e in errors:
    print(e)
sys.exit(1 if errors else 0)
