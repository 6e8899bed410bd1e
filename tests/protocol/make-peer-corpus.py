#!/usr/bin/env python3
# Writes the fuzz-peer-codec seed corpus from pml-2.3.1-peer-vectors.txt.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: make-peer-corpus.py VECTORS OUTDIR
# One file per vector, in the fuzz target's input format: a size selector
# byte (11 = re-encode with 20-byte messages, 255 = 65535), then each
# message as a 2-byte big-endian length and its bytes.
import os
import sys


def main():
    vectors, outdir = sys.argv[1:3]
    os.makedirs(outdir, exist_ok=True)
    n = 0
    for line in open(vectors, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        kind, _, hexes = line.rstrip('\n').split('\t')
        msgs = [bytes.fromhex(h) for h in hexes.split(' ')]
        if kind == 'body':
            out = bytes([255]) + msgs[0]
        else:
            out = bytes([11 if len(msgs) > 1 else 255])
            for m in msgs:
                out += len(m).to_bytes(2, 'big') + m
        with open(os.path.join(outdir, 'vector-%03d' % n), 'wb') as f:
            f.write(out)
        n += 1


if __name__ == '__main__':
    main()
