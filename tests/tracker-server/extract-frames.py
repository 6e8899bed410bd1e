#!/usr/bin/env python3
# gst-p2pcdn: turns section 4 of pml-2.3.1-vectors.md into tracker-frames.txt.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The reference writes characters 0x7f-0xff as \u00XX to stay ASCII; on the
# wire (JSON.stringify) they are raw UTF-8, so they are turned back here.
# Usage: extract-frames.py pml-2.3.1-vectors.md > tracker-frames.txt
import re
import sys

text = open(sys.argv[1], encoding='utf-8').read()
section = text[text.index('## 4. Tracker frames'):text.index('## 5. Exact versions')]


def to_wire(s):
    # Only unescape \u007f-\u00ff that are escapes, not an escaped backslash
    # followed by "u00..".
    out, i = [], 0
    while i < len(s):
        if s[i] == '\\':
            m = re.match(r'\\u00([0-9a-fA-F]{2})', s[i:])
            if m and int(m.group(1), 16) >= 0x7f:
                out.append(chr(int(m.group(1), 16)))
                i += 6
                continue
            out.append(s[i:i + 2])
            i += 2
            continue
        out.append(s[i])
        i += 1
    return ''.join(out)


entries = re.split(r'^#### ', section, flags=re.M)[1:]
print('# Tracker frames of pml-2.3.1-vectors.md section 4 (run1, run4), wire form.')
print('# <verb> <connection> <frame>: send = client -> tracker, recv = tracker -> client.')
print('# "offers5" = the announce above it with all 5 of its captured offer_ids.')
for entry in entries:
    title = entry.splitlines()[0]
    blocks = re.findall(r'```\n(.*?)\n```', entry, flags=re.S)
    conn = re.search(r'connection (\d)', entry).group(1)
    frame = to_wire(blocks[-1])
    verb = 'send' if title.startswith('Client -> tracker') else 'recv'
    run = 'run4' if '+120.1 s' in title else 'run1'
    print('# %s: %s' % (run, title))
    print('%s %s%s %s' % (verb, run, conn, frame))
    if len(blocks) == 2:
        ids = [to_wire(line) for line in blocks[0].splitlines()]
        prefix, rest = frame.split('"offers":[', 1)
        offer = rest[:rest.rindex('"offer_id":')]
        offers = ','.join(offer + '"offer_id":' + i + '}' for i in ids)
        print('offers5 %s%s %s"offers":[%s]}' % (run, conn, prefix, offers))
