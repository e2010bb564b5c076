#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Labels shown together have mnemonics (Alt+letter) of their own, in
English and in every translation: two that share one only move the
focus between them (GTK cycles), and neither is activated.

  check-mnemonics.py SRCROOT
"""
import os
import re
import sys

# What is on screen at once.
GROUPS = {
    'the main page, a request asked, nothing sent yet': [
        '_Receive', 'Choose _Files…', 'Send _Text…', '_Change…',
        '_Decline', 'Accept A_ll', '_Accept', 'Ca_ncel All',
    ],
    'the main menu': [
        'Send _Text…', 'Ca_ncel All', 'C_lear History', '_Preferences',
        '_Keyboard Shortcuts', '_About Posthouse',
    ],
    "a batch's menu": ['Show in _Folder', 'Send _Again', '_Remove from History'],
    'Send to Which Computer? and Send Text': ['_Cancel', '_Send'],
    'Send Without Folders?': ['_Cancel', '_Send Anyway'],
}


def read_po(path):
    """msgid -> msgstr, for entries without context or plural."""
    entries = {}
    with open(path, encoding='utf-8') as f:
        text = f.read()
    for block in text.split('\n\n'):
        if 'msgctxt' in block or 'msgid_plural' in block:
            continue
        parts = {}
        key = None
        for line in block.splitlines():
            m = re.match(r'^(msgid|msgstr) (".*")$', line)
            if m:
                key = m.group(1)
                parts[key] = eval(m.group(2))
            elif line.startswith('"') and key:
                parts[key] += eval(line)
        if parts.get('msgid'):
            entries[parts['msgid']] = parts.get('msgstr', '')
    return entries


def key(label):
    m = re.search(r'_(.)', label)
    return m.group(1).lower() if m else None


def main():
    podir = os.path.join(sys.argv[1], 'po')
    with open(os.path.join(podir, 'LINGUAS'), encoding='utf-8') as f:
        linguas = [w for line in f if not line.startswith('#') for w in line.split()]
    catalogues = {'en': None}
    for lang in linguas:
        catalogues[lang] = read_po(os.path.join(podir, lang + '.po'))

    errors = []
    for lang, po in catalogues.items():
        for where, labels in GROUPS.items():
            seen = {}
            for label in labels:
                shown = label if po is None else po.get(label)
                if not shown:
                    errors.append(f'{lang}: “{label}” is not translated')
                    continue
                k = key(shown)
                if k is None:
                    errors.append(f'{lang}: “{shown}” ({label}) has no mnemonic')
                elif k in seen:
                    errors.append(f'{lang}, {where}: “{shown}” and “{seen[k]}” share Alt+{k.upper()}')
                else:
                    seen[k] = shown
            print(f'{lang}, {where}: ' + ', '.join(f'{v} (Alt+{k.upper()})' for k, v in seen.items()))

    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
