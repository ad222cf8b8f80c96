#!/usr/bin/env python3
"""Disassembles the C2-compiled code that HotSpot printed as hex, with binutils' objdump.

HotSpot prints machine code as hex when it finds no hsdis plugin it can use. Debian's
libhsdis0-fcml exports only the old `decode_instructions` entry point, which JDK 25 does not
call, so on this machine the code comes out as hex; this script turns one compiled method's
hex back into bytes and runs `objdump -D -b binary -mi386:x86-64 -Mintel` on it.

    java --add-modules jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions \\
        -XX:CompileCommand=print,dev.calx.tensor.WeightKernels::bf16Rows8 ... > out.txt
    tools/c2_disasm.py out.txt            # the last C2 compile of the method
    tools/c2_disasm.py out.txt --index 0  # the first one (often an OSR compile)

Writes the listing to stdout. Needs objdump (Debian binutils). Session 6 used it to see the
per-load range-check code in the GEMV kernels (tensor/src/.../WeightKernels.java).
"""
import argparse
import re
import subprocess
import sys
import tempfile

LINE = re.compile(r'\s+0x([0-9a-f]+): ((?:[0-9a-f]{2,8}\s*\|?\s*)+)$')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('dump', help='stdout of a JVM run with -XX:CompileCommand=print,...')
    ap.add_argument('--index', type=int, default=-1, help='which C2 compile to show (default: the last)')
    a = ap.parse_args()
    try:
        lines = open(a.dump, encoding='utf-8', errors='replace').read().split('\n')
    except OSError as e:
        sys.exit(f'c2_disasm: cannot read {a.dump}: {e.strerror}')
    starts = [i for i, l in enumerate(lines) if 'Compiled method (c2)' in l]
    if not starts:
        sys.exit(f'c2_disasm: {a.dump} has no "Compiled method (c2)" section (was -XX:CompileCommand=print given, and did C2 compile the method?)')
    if not -len(starts) <= a.index < len(starts):
        sys.exit(f'c2_disasm: --index {a.index}, but {a.dump} has {len(starts)} C2 compiles')
    s = starts[a.index]
    end = next((i for i in range(s + 1, len(lines)) if 'Compiled method (' in lines[i]), len(lines))
    code, base = bytearray(), None
    for l in lines[s:end]:
        m = LINE.match(l)
        if not m:
            continue
        addr = int(m.group(1), 16)
        hx = re.sub(r'[\s|]', '', m.group(2))
        if base is None:
            base = addr
        at = addr - base
        if at < len(code):
            continue
        code += b'\0' * (at - len(code)) + bytes.fromhex(hx)
    if base is None:
        sys.exit(f'c2_disasm: the C2 section at line {s + 1} of {a.dump} has no hex code lines')
    print(lines[s].strip())
    with tempfile.NamedTemporaryFile(suffix='.bin') as f:
        f.write(code)
        f.flush()
        try:
            out = subprocess.run(['objdump', '-D', '-b', 'binary', '-mi386:x86-64', '-Mintel',
                                  '--adjust-vma=%#x' % base, f.name], capture_output=True, text=True, check=True).stdout
        except FileNotFoundError:
            sys.exit('c2_disasm: objdump not found; install binutils (apt-get install binutils)')
    sys.stdout.write(out)


if __name__ == '__main__':
    main()
