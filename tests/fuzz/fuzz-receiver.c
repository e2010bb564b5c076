/* SPDX-License-Identifier: GPL-3.0-or-later */
int LLVMFuzzerTestOneInput (const unsigned char *data, unsigned long size);
int LLVMFuzzerTestOneInput (const unsigned char *data, unsigned long size) { return 0; }
