"""Active content in evidence files: what a viewer would run or open by itself.

Pure functions on bytes and `zipfile.ZipFile` objects; `evidence_files.check_evidence_file()` turns
what they find into French messages.

PDF: a byte scan, not a parser (no PDF library is a runtime dependency, and a parser is itself
attack surface). The names that matter are looked for with their `#xx` escapes decoded
(`/J#61vaScript` is `/JavaScript`), in the raw bytes and in the object streams (`/Type /ObjStm`),
which are inflated with zlib, `MAX_INFLATED_BYTES` in all at most. Other streams (page contents,
images, fonts) are not inflated: they hold no dictionaries, so no actions. Long names
(/JavaScript, /Launch, /EmbeddedFile…) are searched everywhere; two- and three-letter ones (/JS,
/AA, /EF, /XFA) only outside stream bodies and before a value of the shape the key needs, so
that the bytes of an image never match. `/OpenAction` is refused when it is an action, not when
it is a destination (the page to open at, which LibreOffice and Acrobat write), direct or by
reference. Work is bounded (`MAX_*` below): a file stuffed to slow the scan down is refused as
unverifiable.
Known limits: an object stream compressed with another filter than FlateDecode, or encrypted (a
password-protected PDF), cannot be read and is refused as unverifiable rather than accepted. The
scan skips what it takes for stream bodies (from a `stream` keyword to the next `endstream`)
when it looks for short names: a valid file with a fake keyword inside a string could hide a
/AA, /EF or /XFA key from it, not a /JavaScript, /Launch or /EmbeddedFile one, nor an object
stream (whose dictionary is read token by token).

Office: a macro-enabled document renamed .docx/.xlsx still declares `macroEnabled` in
`[Content_Types].xml` or carries a `vbaProject.bin` part; an OpenDocument file keeps its macros
under `Basic/` and `Scripts/`.
"""

import bisect
import re
import zipfile
import zlib
from dataclasses import dataclass, field

MEGABYTE = 1024 * 1024
#: Inflated object streams read per PDF, in all: beyond, it is a decompression bomb.
MAX_INFLATED_BYTES = 50 * MEGABYTE
#: Names worth a look (/JS, /AA, /OpenAction, /ObjStm…) per PDF: a real document has a few
#: hundred at most; a file stuffed with them to slow the scan down is not checked further.
MAX_INTERESTING_NAMES = 100_000
#: A document has one /OpenAction (one per incremental update): more are not resolved one by one.
MAX_OPEN_ACTION_REFERENCES = 16
#: Definitions of one object (one per incremental update) looked at, at most.
MAX_DEFINITIONS = 1000
#: Object streams per PDF (each holds up to a few hundred objects), and the length of their
#: dictionaries (a hundred bytes in practice) read to find their data.
MAX_OBJECT_STREAMS = 10_000
MAX_DICTIONARY_BYTES = 4096
#: `[Content_Types].xml` is a few kilobytes; never more than this is decompressed.
MAX_CONTENT_TYPES_BYTES = MEGABYTE

# Reasons, in the order messages list them.
JAVASCRIPT = "javascript"
LAUNCH = "launch"
AUTOMATIC_ACTION = "automatic_action"
EMBEDDED_FILE = "embedded_file"
RICH_MEDIA = "rich_media"
XFA = "xfa"
REASONS = (JAVASCRIPT, LAUNCH, AUTOMATIC_ACTION, EMBEDDED_FILE, RICH_MEDIA, XFA)

# PDF delimiters and white-space (ISO 32000-1, 7.2.2).
_WS = rb"\x00\t\n\x0c\r "
_REGULAR = rb"[^" + _WS + rb"()<>\[\]{}/%]"
# White-space and comments between tokens: optional, or at least one.
_GAP = rb"(?:[" + _WS + rb"]|%[^\r\n]*)*"
_SPACE = rb"(?:[" + _WS + rb"]|%[^\r\n]*)+"
_REFERENCE = re.compile(
    _SPACE + rb"(\d+)" + _SPACE + rb"\d+" + _SPACE + rb"R(?!" + _REGULAR + rb")"
)
_VALUE_START = re.compile(_GAP + rb"(<<|\[|\(|<)")
# Starting with the keyword keeps the search fast (a literal prefix); a longer word ending in
# "stream" (endstream…) is told apart by the lookbehind.
_STREAM_KEYWORD = re.compile(rb"stream(?<!" + _REGULAR + rb"stream)(?:\r\n|\n|\r)")
_OBJ = rb"obj(?!" + _REGULAR + rb")"
# Reading a dictionary on to its stream keyword: what may hide a fake one, and the keyword, which
# follows white-space or ">>" and comes before an end of line.
_DICTIONARY_LEXEME = re.compile(rb"[(%]|<(?!<)|(?<=[" + _WS + rb">])stream(?:\r\n|\n|\r)")
_STRING_LEXEME = re.compile(rb"\\.|[()]", re.DOTALL)
_NEWLINE = re.compile(rb"[\r\n]")
# What an object stream without a filter starts with: its first object's number and offset.
_UNFILTERED_OBJECT_STREAM = re.compile(rb"[" + _WS + rb"]*\d+[" + _WS + rb"]+\d+[" + _WS + rb"]")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")

_LONG_NAMES = {
    b"JavaScript": JAVASCRIPT,
    b"Launch": LAUNCH,
    b"EmbeddedFile": EMBEDDED_FILE,
    b"EmbeddedFiles": EMBEDDED_FILE,
    b"RichMedia": RICH_MEDIA,
    b"Rendition": RICH_MEDIA,  # media playing actions, which may carry their own /JS
}
# Short names count only outside stream bodies (which may be binary), and before a value of the
# shape the key needs ("ref" is `12 0 R`): random bytes then practically never match.
_SHORT_NAMES = {
    b"JS": (JAVASCRIPT, {b"(", b"<", "ref"}),
    b"AA": (AUTOMATIC_ACTION, {b"<<", "ref"}),
    b"EF": (EMBEDDED_FILE, {b"<<", "ref"}),
    b"XFA": (XFA, {b"[", "ref"}),
}
_OPEN_ACTION = b"OpenAction"
_OBJECT_STREAM = b"ObjStm"
_ENCRYPT = b"Encrypt"


def _spelled_any_way(name: bytes) -> bytes:
    """A pattern for `name` in a name token, each character possibly written #xx."""
    pattern = b""
    for byte in name:
        hex_digits = b"".join(
            b"[%c%c]" % (digit, digit + 32) if digit in b"ABCDEF" else bytes([digit])
            for digit in b"%02X" % byte
        )
        pattern += b"(?:%s|#%s)" % (re.escape(bytes([byte])), hex_digits)
    return pattern


_INTERESTING_NAME = re.compile(
    b"/(?:"
    + b"|".join(
        _spelled_any_way(name)
        for name in sorted(
            [*_LONG_NAMES, *_SHORT_NAMES, _OPEN_ACTION, _OBJECT_STREAM, _ENCRYPT],
            key=len,
            reverse=True,
        )
    )
    + b")(?!"
    + _REGULAR
    + b")"
)


class Unverifiable(Exception):
    """Part of the file cannot be read, so it cannot be declared free of active content."""


class TooMuchToInflate(Exception):
    """The object streams inflate to more than MAX_INFLATED_BYTES."""


@dataclass
class _Scan:
    reasons: set[str] = field(default_factory=set)
    # Where the raw bytes name /ObjStm (just after the name), and the streams read already.
    object_stream_names: list[int] = field(default_factory=list)
    object_streams_read: set[int] = field(default_factory=set)
    # Whether the raw bytes name /Encrypt: streams, object streams included, are then encrypted.
    encrypted: bool = False
    # Targets of /OpenAction given by reference: resolved once every object has been seen.
    open_action_refs: set[int] = field(default_factory=set)
    # How each object found in an object stream starts (b"<<", b"[", …), by object number.
    stream_objects: dict[int, list] = field(default_factory=dict)
    inflated: int = 0
    names_seen: int = 0


def pdf_active_content(data: bytes) -> set[str]:
    """The reasons (see REASONS) why the PDF `data` is active; empty when it is not.

    Raises Unverifiable or TooMuchToInflate when its object streams cannot be read."""
    scan = _Scan()
    try:
        _scan_names(data, scan, bodies=_stream_bodies(data))
        if len(scan.object_stream_names) > MAX_OBJECT_STREAMS:
            raise Unverifiable
        for name_end in scan.object_stream_names:
            _scan_object_stream(data, name_end, scan)
        if len(scan.open_action_refs) > MAX_OPEN_ACTION_REFERENCES:
            scan.reasons.add(AUTOMATIC_ACTION)  # no document points its opening so many ways
        elif any(_opens_an_action(data, ref, scan) for ref in scan.open_action_refs):
            scan.reasons.add(AUTOMATIC_ACTION)
    except Unverifiable:
        if not scan.reasons:
            raise
    return scan.reasons  # what was found is reason enough, even if the rest cannot be read


def _stream_bodies(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each stream's bytes, in order: from its keyword to the next endstream."""
    bodies = []
    position = 0
    while keyword := _STREAM_KEYWORD.search(data, position):
        end = data.find(b"endstream", keyword.end())
        end = len(data) if end == -1 else end
        bodies.append((keyword.end(), end))
        position = end
    return bodies


def _decoded(raw: bytes) -> bytes:
    if b"#" not in raw:
        return raw
    return _HEX_ESCAPE.sub(lambda match: bytes([int(match[1], 16)]), raw)


def _value_shape(data: bytes, position: int) -> tuple:
    """(b"<<" | b"[" | b"(" | b"<" | "ref" | None, object number if "ref") of the value at
    `position`."""
    reference = _REFERENCE.match(data, position)
    if reference:
        return "ref", int(reference[1])
    start = _VALUE_START.match(data, position)
    return (start[1], None) if start else (None, None)


def _scan_names(data: bytes, scan: _Scan, *, bodies: list[tuple[int, int]] | None) -> None:
    """Scan raw bytes (`bodies`: their streams) or an inflated object stream (`bodies=None`)."""
    starts = [start for start, _end in bodies or []]

    def in_body(position: int) -> bool:
        index = bisect.bisect_right(starts, position) - 1
        return index >= 0 and position < bodies[index][1]

    for match in _INTERESTING_NAME.finditer(data):
        scan.names_seen += 1
        if scan.names_seen > MAX_INTERESTING_NAMES:
            raise Unverifiable
        name = _decoded(match[0][1:])
        if name in _LONG_NAMES:
            scan.reasons.add(_LONG_NAMES[name])
        elif name in _SHORT_NAMES:
            reason, shapes = _SHORT_NAMES[name]
            if reason in scan.reasons:
                continue
            if not in_body(match.start()) and _value_shape(data, match.end())[0] in shapes:
                scan.reasons.add(reason)
        elif name == _OPEN_ACTION:
            shape, number = _value_shape(data, match.end())
            if shape == b"<<":
                scan.reasons.add(AUTOMATIC_ACTION)
            elif shape == "ref":
                scan.open_action_refs.add(number)
        elif name == _OBJECT_STREAM and bodies is not None:
            scan.object_stream_names.append(match.end())
        elif name == _ENCRYPT and bodies is not None:
            scan.encrypted = True


def _object_stream_data(data: bytes, name_end: int) -> int | None:
    """Where the bytes of the stream whose dictionary names /ObjStm at `name_end` start.

    The dictionary is read on from the name as a reader would (strings, hex strings and comments
    skipped), so that a `stream` word inside a string value is not taken for the keyword. None
    when no keyword comes within MAX_DICTIONARY_BYTES."""
    end = min(len(data), name_end + MAX_DICTIONARY_BYTES)
    position = name_end
    while lexeme := _DICTIONARY_LEXEME.search(data, position, end):
        token = lexeme[0]
        if token == b"(":
            position = _string_end(data, lexeme.end(), end)
        elif token == b"%":
            newline = _NEWLINE.search(data, lexeme.end(), end)
            position = newline.end() if newline else end
        elif token == b"<":
            close = data.find(b">", lexeme.end(), end)
            position = close + 1 if close != -1 else end
        else:
            return lexeme.end()
    return None


def _string_end(data: bytes, position: int, end: int) -> int:
    """Just after the literal string whose "(" is before `position` (balanced parentheses,
    backslash escapes)."""
    depth = 1
    for match in _STRING_LEXEME.finditer(data, position, end):
        if match[0] == b"(":
            depth += 1
        elif match[0] == b")":
            depth -= 1
            if depth == 0:
                return match.end()
    return end


def _scan_object_stream(data: bytes, name_end: int, scan: _Scan) -> None:
    """Inflate the object stream whose dictionary names /ObjStm at `name_end`, then scan it."""
    start = _object_stream_data(data, name_end)
    if start is None:
        raise Unverifiable
    if start in scan.object_streams_read:
        return
    scan.object_streams_read.add(start)
    inflated = _inflate(data, start, MAX_INFLATED_BYTES - scan.inflated)
    if inflated is None:
        # Not deflated: encrypted, another filter (both unreadable here), or no filter at all.
        if scan.encrypted or not _UNFILTERED_OBJECT_STREAM.match(data, start):
            raise Unverifiable
        end = data.find(b"endstream", start)
        inflated = data[start : len(data) if end == -1 else end]
    else:
        scan.inflated += len(inflated)
    _scan_names(inflated, scan, bodies=None)
    # Its dictionary, for /N and /First: from its object's keyword (4 KB back at most) on.
    window = max(name_end - 4096, 0)
    dictionary = _decoded(data[max(data.rfind(b"obj", window, name_end), window) : start])
    _index_stream_objects(dictionary, inflated, scan)


def _inflate(data: bytes, start: int, limit: int) -> bytes | None:
    """The zlib stream starting at `start`, None if there is none; TooMuchToInflate beyond
    `limit` bytes. A truncated stream gives what it holds, as a viewer would."""
    inflater = zlib.decompressobj()
    out = bytearray()
    position = start
    try:
        while not inflater.eof and position < len(data):
            pending = data[position : position + 65536]
            position += len(pending)
            while pending and not inflater.eof:
                if len(out) > limit:
                    raise TooMuchToInflate
                out += inflater.decompress(pending, limit + 1 - len(out))
                pending = inflater.unconsumed_tail
            if len(out) > limit:
                raise TooMuchToInflate
    except zlib.error:
        return None
    return bytes(out)


def _index_stream_objects(dictionary: bytes, inflated: bytes, scan: _Scan) -> None:
    count = re.search(rb"/N" + _SPACE + rb"(\d+)", dictionary)
    first = re.search(rb"/First" + _SPACE + rb"(\d+)", dictionary)
    if not count or not first:
        return
    numbers = re.findall(rb"\d+", inflated[: int(first[1])])[: 2 * int(count[1])]
    for index in range(0, len(numbers) - 1, 2):
        offset = int(first[1]) + int(numbers[index + 1])
        shape, _number = _value_shape(inflated, offset)
        scan.stream_objects.setdefault(int(numbers[index]), []).append(shape)


def _opens_an_action(data: bytes, number: int, scan: _Scan) -> bool:
    """Whether a definition of object `number` (in the raw bytes or in an object stream) is a
    dictionary, that is an action rather than a destination."""
    if b"<<" in scan.stream_objects.get(number, []):
        return True
    definition = re.compile(b"%d" % number + _SPACE + rb"\d+" + _SPACE + _OBJ)
    for seen, match in enumerate(definition.finditer(data)):
        if seen >= MAX_DEFINITIONS:
            raise Unverifiable
        if match.start() and data[match.start() - 1 : match.start()].isdigit():
            continue  # "112 0 obj" is not object 12
        if _value_shape(data, match.end())[0] == b"<<":
            return True
    return False


# --- Office documents ---------------------------------------------------------------------------


def office_has_macros(archive: zipfile.ZipFile, kind: str) -> bool:
    """Whether the office document of `kind` ("docx", "xlsx", "odt") carries macros."""
    names = [entry.filename for entry in archive.infolist()]
    if kind == "odt":
        return any(name.startswith(("Basic/", "Scripts/")) for name in names)
    if any(name.rsplit("/", 1)[-1].lower() == "vbaproject.bin" for name in names):
        return True
    with archive.open("[Content_Types].xml") as entry:
        content_types = entry.read(MAX_CONTENT_TYPES_BYTES)
    return b"macroenabled" in content_types.lower()
