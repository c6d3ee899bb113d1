#!/usr/bin/env python3
"""Writes langs/data/han_variants.txt: the Han characters that only simplified Chinese uses (first
line) and those only traditional Chinese uses (second line), by OpenCC's character tables
(`pip install opencc==1.4.2`; OpenCC is Apache-2.0).

A character is simplified-only when OpenCC's t2s leaves it alone and s2t changes it (们 → 們), and
traditional-only in the reverse case; characters both scripts write alike, or that both
conversions change, are in neither line.

    python3 scripts/make_han_variants.py > langs/data/han_variants.txt
"""

import opencc


def main():
    s2t, t2s = opencc.OpenCC("s2t"), opencc.OpenCC("t2s")
    simplified, traditional = [], []
    for start, end in [(0x3400, 0x4DBF), (0x4E00, 0x9FFF)]:
        for point in range(start, end + 1):
            c = chr(point)
            to_trad, to_simp = s2t.convert(c), t2s.convert(c)
            if to_simp == c and to_trad != c:
                simplified.append(c)
            elif to_trad == c and to_simp != c:
                traditional.append(c)
    print("".join(simplified))
    print("".join(traditional))


if __name__ == "__main__":
    main()
