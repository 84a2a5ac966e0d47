"""Writes icon.png, the package icon: a white "U" (Upsonic) over a stack of three bars (stored memory) on a blue tile.

Standard library only (zlib + struct); run `python3 eng/package/make-icon.py` from the repository root to regenerate it."""
import math
import struct
import zlib

SIZE, SAMPLES = 128, 4
BLUE, WHITE, CLEAR = (43, 95, 217), (255, 255, 255), None


def tile(x, y):
    r, m = 22, 2  # corner radius, margin
    cx = min(max(x, m + r), SIZE - m - r)
    cy = min(max(y, m + r), SIZE - m - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r and m <= x <= SIZE - m and m <= y <= SIZE - m


def letter_u(x, y):
    cx, top, bottom, outer, inner = 64, 22, 58, 30, 17
    if top <= y <= bottom:
        return inner <= abs(x - cx) <= outer
    if y > bottom:
        d = math.hypot(x - cx, y - bottom)
        return inner <= d <= outer
    return False


def bars(x, y):
    return 34 <= x <= 94 and any(b <= y <= b + 5 for b in (96, 104)) and y <= 110


def colour(x, y):
    if not tile(x, y):
        return CLEAR
    return WHITE if letter_u(x, y) and y <= 88 or bars(x, y) else BLUE


def pixel(px, py):
    acc = [0.0, 0.0, 0.0, 0.0]
    for sy in range(SAMPLES):
        for sx in range(SAMPLES):
            c = colour(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES)
            if c is not None:
                acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 255
    n = SAMPLES * SAMPLES
    alpha = acc[3] / n
    if alpha == 0:
        return bytes(4)
    cover = acc[3] / 255
    return bytes((round(acc[0] / cover), round(acc[1] / cover), round(acc[2] / cover), round(alpha)))


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


rows = b"".join(b"\x00" + b"".join(pixel(x, y) for x in range(SIZE)) for y in range(SIZE))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
with open(__file__.rsplit("/", 1)[0] + "/icon.png" if "/" in __file__ else "icon.png", "wb") as f:
    f.write(png)
