#!/usr/bin/env python3
# Writes the fuzz-tracker-msg seed corpus from pml-2.3.1-tracker-frames.txt.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: make-tracker-corpus.py FRAMES OUTDIR
# One file per captured frame, plus the other frames trackers send.
import os
import sys

EXTRA = [
    '{"failure reason":"invalid info_hash"}',
    '{"action":"announce","failure reason":"x","info_hash":"Un5pXNncgx4ZjfNSitaa"}',
    '{"action":"announce","info_hash":"Un5pXNncgx4ZjfNSitaa","interval":30,'
    '"warning message":"w","min interval":10}',
    '{"action":"scrape","files":{"Un5pXNncgx4ZjfNSitaa":'
    '{"complete":1,"incomplete":2,"downloaded":3}}}',
    '{"action":"scrape","info_hash":["Un5pXNncgx4ZjfNSitaa"]}',
    '{"numwant":50,"uploaded":0,"downloaded":0,"event":"stopped",'
    '"action":"announce","info_hash":"Un5pXNncgx4ZjfNSitaa",'
    '"peer_id":"-PM0203-C3nNqmoUiVoo"}',
]


def main():
    frames, outdir = sys.argv[1:3]
    os.makedirs(outdir, exist_ok=True)
    texts = []
    for line in open(frames, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        kind, _, text = line.rstrip('\n').split('\t', 2)
        if kind == 'frame':
            texts.append(text)
    for n, text in enumerate(texts + EXTRA):
        with open(os.path.join(outdir, 'frame-%02d' % n), 'wb') as f:
            f.write(text.encode('utf-8'))


if __name__ == '__main__':
    main()
