#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when a source with translatable strings is missing from po/POTFILES.in,
or when POTFILES.in lists a file that does not exist."""
import os
import re
import sys

srcroot = sys.argv[1]

# _("…"), N_("…"), C_("ctx", "…"), NC_(…), and the plural helpers.
c_marker = re.compile(r'(?<![A-Za-z0-9_])(?:N?C?_|g_dngettext|g_dpgettext2|ngettext)\s*\(')
ui_marker = re.compile(r'translatable\s*=\s*"(?:yes|true|1)"')
# These are translatable as a whole, whatever they contain.
always = ('.desktop.in', '.metainfo.xml.in', '.gschema.xml')


def needs_translation(path):
    if path.endswith(always):
        return True
    try:
        with open(os.path.join(srcroot, path), encoding='utf-8') as f:
            text = f.read()
    except (UnicodeDecodeError, OSError):
        return False
    if path.endswith(('.c', '.h')):
        return c_marker.search(text) is not None
    if path.endswith(('.ui', '.xml')):
        return ui_marker.search(text) is not None
    return False


found = set()
for top in ('src', 'data'):
    for dirpath, dirnames, filenames in os.walk(os.path.join(srcroot, top)):
        dirnames[:] = [d for d in dirnames if not d.startswith(('.', '_build'))]
        for name in filenames:
            rel = os.path.relpath(os.path.join(dirpath, name), srcroot)
            if needs_translation(rel):
                found.add(rel)

listed = []
with open(os.path.join(srcroot, 'po', 'POTFILES.in'), encoding='utf-8') as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith('#'):
            listed.append(line)

status = 0
for path in sorted(found - set(listed)):
    print(f'missing from po/POTFILES.in: {path}')
    status = 1
for path in listed:
    if not os.path.isfile(os.path.join(srcroot, path)):
        print(f'listed in po/POTFILES.in but does not exist: {path}')
        status = 1
dups = {p for p in listed if listed.count(p) > 1}
for path in sorted(dups):
    print(f'listed twice in po/POTFILES.in: {path}')
    status = 1
if listed != sorted(listed):
    print('po/POTFILES.in is not sorted')
    status = 1
print(f'{len(listed)} files listed, {len(found)} files with translatable strings found')
sys.exit(status)
