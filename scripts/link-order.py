#!/usr/bin/env python3
"""Regenerates Sources/luatrace/luatrace.order, the function order of the luatrace link.

Runs a release luatrace under valgrind's callgrind on `-e ''` and on every benchmark of
benchmarks/manifest.json at its quick size (with -joff and with the JIT), and lists every
function any run executed: the ones most runs execute (start-up, interpreter, parser) first.
lld puts them at the start of .text in that order (see Package.swift), so a run touches few
64 KiB fault-around windows of code.

Usage: scripts/link-order.py [--luatrace .build/release/luatrace] [--out Sources/luatrace/luatrace.order]
Needs valgrind and binutils. Re-run after large code changes, then relink (the build does not
track the order file: delete .build/release/luatrace and build again). A stale order still
links (unknown names are ignored) but leaves new hot code in the cold part.
"""

import argparse
import collections
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# glibc's string functions are chosen per CPU (IFUNC); valgrind's virtual CPU gets other
# variants than real hardware, so every variant of an executed family is listed.
IFUNC_FAMILY = re.compile(r'^(__(?:mem|str|stp|raw|wmem|wcs)[a-z]*)_(?:avx|sse|evex|erms|ssse)')


def symbols(binary):
    """(sorted addresses, names) of the code symbols, and {name: size}."""
    out = subprocess.run(['nm', '-S', '-n', '--defined-only', binary], capture_output=True, text=True,
                         check=True).stdout
    addrs, names, sizes = [], [], {}
    for line in out.splitlines():
        p = line.split()
        if len(p) == 4 and p[2] in 'tTwWiI':
            addrs.append(int(p[0], 16)); names.append(p[3]); sizes[p[3]] = int(p[1], 16)
        elif len(p) == 3 and p[1] in 'tTwWiI':
            addrs.append(int(p[0], 16)); names.append(p[2]); sizes.setdefault(p[2], 0)
    return addrs, names, sizes


def executed(binary, args, cwd, addrs, names):
    """The names of the functions one run executes."""
    with tempfile.TemporaryDirectory() as tmp:
        cg = os.path.join(tmp, 'cg.out')
        subprocess.run(['valgrind', '--tool=callgrind', '--demangle=no', '--callgrind-out-file=' + cg,
                        binary] + args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        found = set()
        with open(cg, errors='replace') as f:
            for line in f:
                m = re.match(r'^c?fn=\(\d+\) (.*)$', line)
                if not m:
                    continue
                name = re.sub(r"'\d+$", '', m.group(1).strip())   # callgrind's recursion suffix
                if name.startswith('0x'):                          # symbols valgrind did not name
                    a = int(name, 16)
                    lo, hi = 0, len(addrs)
                    while lo < hi:
                        mid = (lo + hi) // 2
                        if addrs[mid] <= a: lo = mid + 1
                        else: hi = mid
                    if lo == 0:
                        continue
                    name = names[lo - 1]
                found.add(name)
        return found


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--luatrace', default=os.path.join(ROOT, '.build/release/luatrace'))
    ap.add_argument('--out', default=os.path.join(ROOT, 'Sources/luatrace/luatrace.order'))
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 1)
    opts = ap.parse_args()
    bench = os.path.join(ROOT, 'benchmarks')
    tmp = tempfile.TemporaryDirectory()
    # profiled without debug info: the symbol table is enough, and valgrind cannot read every
    # DWARF producer's output (it gave up on a C unit's clang DWARF 5 next to Swift's)
    binary = os.path.join(tmp.name, 'luatrace')
    subprocess.run(['objcopy', '--strip-debug', opts.luatrace, binary], check=True)
    addrs, names, sizes = symbols(binary)

    runs = [['-joff', '-e', ''], ['-e', '']]
    with open(os.path.join(bench, 'manifest.json')) as f:
        for b in json.load(f)['benchmarks']:
            runs.append(['-joff', b['file'], b['quick_size']])
            runs.append([b['file'], b['quick_size']])

    count = collections.Counter()
    with concurrent.futures.ThreadPoolExecutor(opts.jobs) as pool:
        for found in pool.map(lambda a: executed(binary, a, bench, addrs, names), runs):
            count.update(found)
    if not count:
        sys.exit('link-order.py: no profile (is valgrind installed?)')

    for name, c in list(count.items()):
        m = IFUNC_FAMILY.match(name)
        if m:
            for s in sizes:
                if s.startswith(m.group(1) + '_'):
                    count[s] = max(count[s], c)

    order = sorted((n for n in count if n in sizes), key=lambda n: (-count[n], n))
    total = sum(sizes[n] for n in order)
    with open(opts.out, 'w') as f:
        f.write('# luatrace link order (lld --symbol-ordering-file), made by scripts/link-order.py:\n')
        f.write('# the functions executed by %d profiled runs, most widely executed first (%d functions,\n'
                '# %d KB of code). See Package.swift.\n' % (len(runs), len(order), total // 1024))
        for n in order:
            f.write(n + '\n')
    print('%s: %d functions, %d KB' % (os.path.relpath(opts.out), len(order), total // 1024))


if __name__ == '__main__':
    main()
