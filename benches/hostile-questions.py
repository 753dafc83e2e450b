#!/usr/bin/env python3
"""Writes N hostile questions, one a line, for `passagebot ask --json < FILE`.

usage: python3 benches/hostile-questions.py [N] > q.txt

Six kinds in turn: random Unicode up to U+2FFFF, corpus words mixed with query syntax and
markup, query syntax alone, one word repeated up to 400 times, a few corpus words, and
Hangul/Han. Halfway it adds one invalid UTF-8 line and one 100,000-byte line, which must come
back as `{"line": N, "error": ...}` while every other line is answered. Seeded: the same N
gives the same file.
"""

import random
import sys

WORDS = ("South Korea AI investment KT Naver HyperCLOVA AlphaGo semiconductor 2027 trillion "
         "won strategy computing power data center").split()
SYNTAX = ['"', "(", ")", "AND", "OR", "-", "+", "*", ":", "title:", "~2", "^3", "[", "]", "{",
          "}", "\\", "/", "<b>", "</i>", "&amp;", "%s", "\u200b", "\u202e", "\ufeff", "\x07", "\t"]
HANGUL_HAN = "가나다라마바사아자차카타파하韓國語日本語"


def question(rng, i):
    kind = i % 6
    if kind == 0:
        text = "".join(chr(rng.randint(0x20, 0x2FFFF)) for _ in range(rng.randint(0, 120)))
    elif kind == 1:
        text = " ".join(rng.choice(WORDS + SYNTAX) for _ in range(rng.randint(1, 30)))
    elif kind == 2:
        text = "".join(rng.choice(SYNTAX) for _ in range(rng.randint(1, 60)))
    elif kind == 3:
        text = rng.choice(WORDS) * rng.randint(1, 400)
    elif kind == 4:
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 8))) + "?"
    else:
        text = "".join(rng.choice(HANGUL_HAN) for _ in range(rng.randint(1, 50)))
    text = text.replace("\n", " ").replace("\r", " ")
    return "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)


def main():
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = random.Random(9)
    out = sys.stdout.buffer
    for i in range(total):
        if i == total // 2:
            out.write(b"\xff\xfe bad utf8 line\n")
            out.write(b"x" * 100_000 + b"\n")
        out.write(question(rng, i).encode("utf-8") + b"\n")


if __name__ == "__main__":
    main()
