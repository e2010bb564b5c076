#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every screenshot the metainfo names exists in data/screenshots/ as a PNG
(skipped while that folder does not exist yet)."""
import os
import sys
import xml.etree.ElementTree as ET

srcroot, metainfo = sys.argv[1], sys.argv[2]
URL_BASE = 'https://github.com/posthouse/posthouse/raw/main/'
PNG_MAGIC = b'\x89PNG\r\n\x1a\n'

shotdir = os.path.join(srcroot, 'data', 'screenshots')
if not os.path.isdir(shotdir):
    print('SKIP: data/screenshots/ does not exist yet')
    sys.exit(77)

errors = []
named = []
for image in ET.parse(metainfo).getroot().iter('image'):
    url = image.text.strip()
    if not url.startswith(URL_BASE + 'data/screenshots/'):
        errors.append(f'screenshot outside data/screenshots/: {url}')
        continue
    rel = url[len(URL_BASE):]
    named.append(os.path.basename(rel))
    path = os.path.join(srcroot, rel)
    if not os.path.isfile(path):
        errors.append(f'missing: {rel}')
        continue
    with open(path, 'rb') as f:
        if f.read(8) != PNG_MAGIC:
            errors.append(f'not a PNG: {rel}')
            continue
    print(f'present: {rel}')

if not any('zh_CN' in n for n in named):
    errors.append('no Chinese screenshot (…zh_CN.png) is named in the metainfo')
for name in sorted(os.listdir(shotdir)):
    if name.endswith('.png') and name not in named:
        print(f'note: data/screenshots/{name} is not named in the metainfo')

for e in errors:
    print(e)
sys.exit(1 if errors else 0)
