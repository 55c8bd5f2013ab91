"""QR codes for sheet rows, without a general encoder's cost.

Every row token is 12 upper-case hex characters, which always fits a version 1 code (21x21)
in alphanumeric mode at error level Q. Mode, version, level and mask are fixed, so the
function patterns, the format bits and the order in which data modules are placed are worked
out once; a code is then 26 codewords (Reed-Solomon over GF(256)) written into a copy of
that template. That is about five times faster than segno, which stays the encoder for any
other text and the reference the tests compare against."""

ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
SIZE = 21
DATA_CODEWORDS = 13  # version 1-Q
EC_CODEWORDS = 13
CAPACITY = 16  # alphanumeric characters in version 1-Q
LEVEL_Q = 0b11
MASK = 0  # (row + column) % 2 == 0


def _gf_tables():
    exp, log = [0] * 512, [0] * 256
    value = 1
    for power in range(255):
        exp[power], log[value] = value, power
        value <<= 1
        if value & 0x100:
            value ^= 0x11D
    for power in range(255, 512):
        exp[power] = exp[power - 255]
    return exp, log


EXP, LOG = _gf_tables()


def _generator_logs(degree):
    """Logs of the Reed-Solomon generator's coefficients after the leading 1."""
    poly = [1]
    for i in range(degree):
        product = [0] * (len(poly) + 1)
        for j, coefficient in enumerate(poly):
            product[j] ^= coefficient
            if coefficient:
                product[j + 1] ^= EXP[LOG[coefficient] + i]
        poly = product
    return [LOG[c] for c in poly[1:]]


GENERATOR_LOGS = _generator_logs(EC_CODEWORDS)


def _format_bits(level, mask):
    """15 format bits: level and mask with their BCH check, XOR the standard mask."""
    data = level << 3 | mask
    remainder = data << 10
    for bit in range(14, 9, -1):
        if remainder >> bit & 1:
            remainder ^= 0b10100110111 << (bit - 10)
    return (data << 10 | remainder) ^ 0b101010000010010


def _template():
    """The matrix with finder, separator, timing and format modules set (None elsewhere),
    and the data module positions in placement order."""
    grid = [[None] * SIZE for _ in range(SIZE)]
    for top, left in ((0, 0), (0, SIZE - 7), (SIZE - 7, 0)):
        for r in range(-1, 8):
            for c in range(-1, 8):
                if 0 <= top + r < SIZE and 0 <= left + c < SIZE:
                    ring = max(abs(r - 3), abs(c - 3))
                    grid[top + r][left + c] = int(ring in (0, 1, 3))
    for i in range(8, SIZE - 8):
        grid[6][i] = grid[i][6] = int(i % 2 == 0)
    bits = _format_bits(LEVEL_Q, MASK)
    near = [(8, 0), (8, 1), (8, 2), (8, 3), (8, 4), (8, 5), (8, 7), (8, 8),
            (7, 8), (5, 8), (4, 8), (3, 8), (2, 8), (1, 8), (0, 8)]
    split = [(SIZE - 1 - i, 8) for i in range(7)] + [(8, SIZE - 8 + i) for i in range(8)]
    for i, ((r, c), (r2, c2)) in enumerate(zip(near, split, strict=True)):
        grid[r][c] = grid[r2][c2] = bits >> (14 - i) & 1
    grid[SIZE - 8][8] = 1  # the dark module
    order, upward, column = [], True, SIZE - 1
    while column > 0:
        if column == 6:  # the vertical timing pattern
            column -= 1
        for r in (range(SIZE - 1, -1, -1) if upward else range(SIZE)):
            order += [(r, c) for c in (column, column - 1) if grid[r][c] is None]
        upward = not upward
        column -= 2
    return grid, order


TEMPLATE, DATA_MODULES = _template()


def fits(text):
    """Whether `text` is short alphanumeric text this encoder handles."""
    return len(text) <= CAPACITY and all(char in ALPHANUMERIC for char in text)


def _codewords(text):
    """The 26 codewords (data, then error correction) as one big integer."""
    value, length = 0b0010, 4  # alphanumeric mode

    def put(number, bits):
        nonlocal value, length
        value, length = value << bits | number, length + bits

    put(len(text), 9)
    values = [ALPHANUMERIC.index(char) for char in text]
    for i in range(0, len(values) - 1, 2):
        put(values[i] * 45 + values[i + 1], 11)
    if len(values) % 2:
        put(values[-1], 6)
    put(0, min(4, DATA_CODEWORDS * 8 - length))  # terminator
    put(0, -length % 8)
    data = list(value.to_bytes(length // 8, "big"))
    data += [(0xEC, 0x11)[i % 2] for i in range(DATA_CODEWORDS - len(data))]
    remainder = data + [0] * EC_CODEWORDS
    for i in range(DATA_CODEWORDS):
        if remainder[i]:
            factor = LOG[remainder[i]]
            for j, power in enumerate(GENERATOR_LOGS, i + 1):
                remainder[j] ^= EXP[factor + power]
    return int.from_bytes(bytes(data + remainder[DATA_CODEWORDS:]), "big")


def _row_masks():
    """Each row as an integer (bit SIZE-1 is the leftmost module): the function patterns with
    the mask applied to every data module as if its bit were 0, and for each stream bit
    (most significant first) the (row, bit) that a 1 there flips."""
    base = []
    for r, row in enumerate(TEMPLATE):
        bits = 0
        for c, module in enumerate(row):
            dark = module if module is not None else (r + c) % 2 == 0
            bits = bits << 1 | bool(dark)
        base.append(bits)
    flips = [(r, 1 << (SIZE - 1 - c)) for r, c in DATA_MODULES]
    return base, flips


BASE_ROWS, FLIPS = _row_masks()
STREAM_BITS = (DATA_CODEWORDS + EC_CODEWORDS) * 8


def qr_rows(text):
    """The code as SIZE integers, one per row, bit SIZE-1 the leftmost module (1 dark),
    without the quiet zone. Tokens take the fast path; other text goes through segno at
    the same error level."""
    if not fits(text):
        import segno

        code = segno.make(text, error="q", micro=False, mask=MASK)
        return [int("".join("1" if v else "0" for v in row), 2) for row in code.matrix]
    rows = list(BASE_ROWS)
    stream = _codewords(text)
    for index, (r, bit) in enumerate(FLIPS):
        if stream >> (STREAM_BITS - 1 - index) & 1:
            rows[r] ^= bit
    return rows


def qr_matrix(text):
    """Rows of 0/1 (1 dark) without the quiet zone."""
    rows = qr_rows(text)
    return [[bits >> (len(rows) - 1 - c) & 1 for c in range(len(rows))] for bits in rows]
