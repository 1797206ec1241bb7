#!/usr/bin/env python3
"""Checks that pictures are what they claim to be, for the plot and report
tests. For each file prints one line:

    NAME png WIDTHxHEIGHT [ink PERCENT]    a valid PNG (signature, IHDR first,
                                           every chunk's CRC, IDAT that
                                           inflates to the image's size, IEND)
    NAME svg [marks N]                     well-formed XML with an <svg> root
    NAME bad REASON                        anything else

With --ink, a PNG's pixels are decoded and the share of pixels that are not
near-white is printed, so that a blank picture cannot pass; with
--colour RRGGBB also the share of pixels of about that colour. For an SVG,
--ink counts its marks: the shapes (path, polygon, polyline, line, rect,
circle, use) stroked or filled with a colour that is not white, and
--colour the marks of about that colour.
"""
import struct
import sys
import xml.etree.ElementTree as ET
import zlib


def png_chunks(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("no PNG signature")
    pos = 8
    while pos < len(data):
        if pos + 12 > len(data):
            raise ValueError("truncated chunk")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise ValueError("bad CRC in %s" % kind.decode("latin-1"))
        yield kind, body
        pos += 12 + length


def unfilter(raw, width, height, bpp):
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return rows


def near(pixel, colour):
    return all(abs(pixel[i] - colour[i]) <= 24 for i in range(3))


def check_png(path, ink, target=None):
    data = open(path, "rb").read()
    chunks = list(png_chunks(data))
    if not chunks or chunks[0][0] != b"IHDR":
        raise ValueError("IHDR is not the first chunk")
    if chunks[-1][0] != b"IEND":
        raise ValueError("no IEND at the end")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if width == 0 or height == 0:
        raise ValueError("empty image")
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour)
    if channels is None:
        raise ValueError("colour type %d" % colour)
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    line = (width * channels * depth + 7) // 8
    if interlace == 0 and len(raw) != height * (line + 1):
        raise ValueError("image data of the wrong size")
    text = "png %dx%d" % (width, height)
    if ink:
        if depth != 8 or interlace or colour not in (2, 6):
            raise ValueError("--ink needs 8-bit RGB(A)")
        rows = unfilter(raw, width, height, channels)
        dark = sum(1 for row in rows for x in range(0, len(row), channels)
                   if min(row[x], row[x + 1], row[x + 2]) < 230)
        text += " ink %.1f" % (100.0 * dark / (width * height))
        if target:
            hits = sum(1 for row in rows for x in range(0, len(row), channels)
                       if near(row[x:x + 3], target))
            text += " colour %.1f" % (100.0 * hits / (width * height))
    return text


SHAPES = ("path", "polygon", "polyline", "line", "rect", "circle", "use")


def svg_colours(elem, inherited):
    """The fill and stroke colours of elem (as RGB bytes, None for none),
    from its attributes, its style and its parents'."""
    found = dict(inherited)
    style = dict(part.split(":", 1) for part in elem.get("style", "").split(";") if ":" in part)
    for key in ("color", "fill", "stroke"):
        value = (style.get(key) or elem.get(key) or "").strip().lower()
        if value.startswith("#") and len(value) == 7:
            found[key] = bytes.fromhex(value[1:])
        elif value.startswith("rgb("):
            found[key] = bytes(int(v) for v in value[4:-1].split(","))
        elif value in ("black", "white"):
            found[key] = bytes([255 if value == "white" else 0] * 3)
        elif value == "currentcolor":
            found[key] = found.get("color")
        elif value == "none":
            found[key] = None
    return found


def svg_marks(elem, inherited, target, counts):
    colours = svg_colours(elem, inherited)
    if elem.tag.rsplit("}", 1)[-1] in SHAPES:
        used = [colours[k] for k in ("fill", "stroke") if colours[k] is not None]
        if any(min(c) < 230 for c in used):
            counts[0] += 1
        if target and any(near(c, target) for c in used):
            counts[1] += 1
    for child in elem:
        svg_marks(child, colours, target, counts)


def check_svg(path, ink, target=None):
    root = ET.parse(path).getroot()
    if root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
        raise ValueError("root element is %s" % root.tag)
    text = "svg"
    if ink:
        counts = [0, 0]
        svg_marks(root, {"color": bytes(3), "fill": bytes(3), "stroke": None}, target, counts)
        text += " marks %d" % counts[0]
        if target:
            text += " colour %d" % counts[1]
    return text


def main():
    args = sys.argv[1:]
    ink = "--ink" in args
    colour = None
    if "--colour" in args:
        i = args.index("--colour")
        colour = bytes.fromhex(args[i + 1])
        del args[i:i + 2]
    for path in [a for a in args if a != "--ink"]:
        name = path.rsplit("/", 1)[-1]
        try:
            kind = (check_svg(path, ink, colour) if path.endswith(".svg")
                    else check_png(path, ink, colour))
            print("%s %s" % (name, kind))
        except Exception as e:  # the test prints what was wrong
            print("%s bad %s" % (name, e))


main()
