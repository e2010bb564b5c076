#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks every translation in po/LINGUAS.

  check-po.py SRCROOT syntax    msgfmt --check --check-format on every .po,
                                and no fuzzy or untranslated entry in it
  check-po.py SRCROOT complete  every string of today's sources (extracted
                                afresh with xgettext) is translated in every .po
"""
import os
import subprocess
import sys
import tempfile

srcroot, mode = sys.argv[1], sys.argv[2]
podir = os.path.join(srcroot, 'po')

# The keywords and flags of meson's i18n 'glib' preset.
XGETTEXT_ARGS = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format', '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format', '--flag=g_printerr:1:c-format',
    '--flag=g_printf:1:c-format', '--flag=g_fprintf:2:c-format',
    '--flag=g_sprintf:2:c-format', '--flag=g_snprintf:3:c-format',
]


def linguas():
    with open(os.path.join(podir, 'LINGUAS'), encoding='utf-8') as f:
        for line in f:
            if not line.lstrip().startswith('#'):
                yield from line.split()


def run(args):
    return subprocess.run(args, capture_output=True, text=True)


def msgids(args):
    """The msgids msgattrib selects, one per line, for the failure message."""
    res = run(['msgattrib', '--no-wrap', '--no-obsolete'] + args)
    if res.returncode != 0:
        sys.exit(res.stderr)
    ids = []
    for line in res.stdout.splitlines():
        if line.startswith('msgid "') and line != 'msgid ""':
            ids.append(line[len('msgid '):])
    return ids


def check_file(po, label):
    status = 0
    fuzzy = msgids(['--only-fuzzy', po])
    untranslated = msgids(['--untranslated', po])
    for msgid in fuzzy:
        print(f'{label}: fuzzy: {msgid}')
    for msgid in untranslated:
        print(f'{label}: untranslated: {msgid}')
    if fuzzy or untranslated:
        status = 1
    return status


status = 0
langs = list(linguas())
if not langs:
    sys.exit('po/LINGUAS lists no language')

if mode == 'syntax':
    for lang in langs:
        po = os.path.join(podir, lang + '.po')
        res = run(['msgfmt', '--check', '--check-format', '--statistics', '-o', os.devnull, po])
        print(f'{lang}.po: {res.stderr.strip()}')
        if res.returncode != 0:
            status = 1
        status |= check_file(po, lang + '.po')
elif mode == 'complete':
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'posthouse.pot')
        res = run(['xgettext', '--directory=' + srcroot,
                   '--files-from=' + os.path.join(podir, 'POTFILES.in'),
                   '--output=' + pot] + XGETTEXT_ARGS)
        if res.returncode != 0:
            sys.exit(res.stderr)
        for lang in langs:
            merged = os.path.join(tmp, lang + '.po')
            res = run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged,
                       os.path.join(podir, lang + '.po'), pot])
            if res.returncode != 0:
                sys.exit(res.stderr)
            lang_status = check_file(merged, lang + '.po against the sources')
            if lang_status:
                print(f'update with: meson compile -C BUILDDIR posthouse-update-po, '
                      f'then translate po/{lang}.po')
            status |= lang_status
else:
    sys.exit(f'unknown mode {mode}')
sys.exit(status)
