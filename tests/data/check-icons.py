#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The app icons are well-formed SVG of the sizes the icon theme expects, the
symbolic one recolourable (fills only), and both render when rsvg-convert exists."""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

srcroot, app_id = sys.argv[1], sys.argv[2]
SVG = '{http://www.w3.org/2000/svg}'
icons = {
    f'data/icons/hicolor/scalable/apps/{app_id}.svg': 128,
    f'data/icons/hicolor/symbolic/apps/{app_id}-symbolic.svg': 16,
}
errors = []
rsvg = shutil.which('rsvg-convert')

for rel, size in icons.items():
    path = os.path.join(srcroot, rel)
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        errors.append(f'{rel}: {e}')
        continue
    if root.tag != SVG + 'svg':
        errors.append(f'{rel}: not an SVG document')
        continue
    if root.get('viewBox') != f'0 0 {size} {size}' or root.get('width') != str(size) \
            or root.get('height') != str(size):
        errors.append(f'{rel}: expected a {size}×{size} canvas')
    if size == 16:
        # GTK recolours a symbolic icon's fills, not its strokes, gradients or images.
        for el in root.iter():
            if el.get('stroke') not in (None, 'none') or el.tag in (SVG + 'linearGradient',
                                                                   SVG + 'radialGradient',
                                                                   SVG + 'image'):
                errors.append(f'{rel}: <{el.tag.replace(SVG, "")}> cannot be recoloured')
    if rsvg:
        with tempfile.TemporaryDirectory() as tmp:
            res = subprocess.run([rsvg, '-w', str(size), '-h', str(size), path,
                                  '-o', os.path.join(tmp, 'icon.png')],
                                 capture_output=True, text=True)
            if res.returncode != 0:
                errors.append(f'{rel}: rsvg-convert failed: {res.stderr}')
    print(f'{rel}: checked')

for e in errors:
    print(e)
sys.exit(1 if errors else 0)
