"""Message values in recordings: an exact msgpack mapping and one visibly lossy path.

``None``, ``bool``, ``int``, ``float``, ``str``, ``bytes``, ``list``,
``tuple`` and ``dict`` (with keys of any of these types), nested, come back
exactly. Standard msgpack has one array type, so a tuple is an array whose
first element is the *tuple marker* (ext type 1, empty); integers outside
msgpack's 64-bit range are ext type 2. Every other value follows one path:
it becomes an :class:`Opaque` holding its type name and ``repr`` (ext type
3), for display only; a strict encoder raises
:class:`~chronoflow.recording.errors.UnrecordableValue` instead. Nothing is
pickled, and decoding never imports or calls anything named in a file.

Decoding is bounded: every length limit is sized to the payload being
decoded, msgpack's own stack limits nesting, and each payload gets a fresh
decoder (``unpackb``), so a failure cannot leave state behind. The raw
form the debugger's engine folds (decoded without turning arrays back into
tuples) is :mod:`chronoflow.recording.raw`, which shares these decoders.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any, Final

import msgpack
from msgpack import ExtType

from chronoflow.recording.errors import UnrecordableValue

EXT_TUPLE: Final = 1
EXT_BIGINT: Final = 2
EXT_OPAQUE: Final = 3
EXT_SURROGATE_STR: Final = 4

#: Nesting levels the fallback encoder keeps exactly; deeper parts become Opaque.
MAX_DEPTH: Final = 256
#: An Opaque's repr is cut to this many characters.
MAX_REPR: Final = 1000

# Memory addresses in reprs (``<Foo object at 0x7f...>``) differ on every
# run; masking them keeps recordings of the same program comparable.
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def mask_addresses(text: str) -> str:
    """``text`` with every `` at 0x…`` memory address replaced by `` at 0x?``."""
    return _ADDRESS.sub(" at 0x?", text)


@dataclass(frozen=True, slots=True)
class Opaque:
    """A value the recording could not store exactly: its type name and repr.

    For display only: nothing in it is ever imported or evaluated.
    """

    type_name: str
    repr: str

    def __repr__(self) -> str:
        return f"Opaque({self.type_name!r}, {self.repr!r})"


def _type_name(obj: object) -> str:
    kind = type(obj)
    module = getattr(kind, "__module__", "") or ""
    name = getattr(kind, "__qualname__", kind.__name__)
    return name if module == "builtins" else f"{module}.{name}"


def make_opaque(obj: object) -> Opaque:
    """The Opaque stand-in for ``obj`` (its repr, addresses masked, cut to MAX_REPR)."""
    try:
        text = repr(obj)
    except Exception as error:  # a broken __repr__ must not break recording
        text = f"<unrepresentable: {type(error).__name__}>"
    text = mask_addresses(text)
    if len(text) > MAX_REPR:
        text = text[: MAX_REPR - 1] + "…"
    return Opaque(_type_name(obj), text)


@dataclass(frozen=True, slots=True)
class _SurrogateStr:
    """A str holding lone surrogates, which UTF-8 cannot encode (ext type 4)."""

    text: str


_TUPLE_MARK_EXT: Final = ExtType(EXT_TUPLE, b"")


def _pack_plain(obj: object) -> bytes:
    data = msgpack.packb(obj, use_bin_type=True)
    assert isinstance(data, bytes)
    return data


def _bigint_bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 8) // 8, "big", signed=True)


class ValueEncoder:
    """Packs values to msgpack with the recording's mapping.

    One instance per writer: a msgpack ``Packer`` is not re-entrant.
    ``strict`` raises :class:`UnrecordableValue` where the default records
    an :class:`Opaque`.
    """

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self._packer = msgpack.Packer(
            use_bin_type=True,
            strict_types=True,
            default=self._default,
            autoreset=True,
            datetime=False,
        )

    def _default(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is tuple:
            return [_TUPLE_MARK_EXT, *obj]
        if kind is int:  # only reached for ints outside msgpack's 64-bit range
            return ExtType(EXT_BIGINT, _bigint_bytes(obj))
        if kind is Opaque:
            return ExtType(EXT_OPAQUE, _pack_plain([obj.type_name, obj.repr]))
        if kind is _SurrogateStr:
            return ExtType(EXT_SURROGATE_STR, obj.text.encode("utf-8", "surrogatepass"))
        if self.strict:
            raise UnrecordableValue(_type_name(obj), "recording")
        opaque = make_opaque(obj)
        return ExtType(EXT_OPAQUE, _pack_plain([opaque.type_name, opaque.repr]))

    def pack(self, obj: Any) -> bytes:
        """``obj`` as msgpack bytes; values msgpack rejects go through :meth:`sanitize`."""
        try:
            data = self._packer.pack(obj)
        except UnrecordableValue:
            raise
        except (ValueError, TypeError, OverflowError, UnicodeEncodeError):
            # Why a second pass: the fast path is one C call for a whole chunk;
            # only values that nest too deep or hold lone surrogates need the
            # Python walk, and those are rare.
            data = self._packer.pack(self.sanitize(obj))
        assert isinstance(data, bytes)
        return data

    def check(self, obj: Any) -> None:
        """Raise :class:`UnrecordableValue` if ``obj`` cannot be recorded exactly."""
        self.pack(obj)

    def sanitize(self, obj: Any, depth: int = 0) -> Any:
        """A copy of ``obj`` that packs: too-deep parts and foreign types become Opaque."""
        kind = type(obj)
        if obj is None or kind is bool or kind is int or kind is float or kind is bytes:
            return obj
        if kind is str:
            try:
                obj.encode("utf-8")
            except UnicodeEncodeError:
                return _SurrogateStr(obj)
            return obj
        if kind is Opaque:
            return obj
        if depth >= MAX_DEPTH or kind not in (list, tuple, dict):
            if self.strict:
                reason = "nested too deep" if depth >= MAX_DEPTH else _type_name(obj)
                raise UnrecordableValue(reason, "recording")
            return make_opaque(obj)
        deeper = depth + 1
        if kind is dict:
            return {self.sanitize(k, deeper): self.sanitize(v, deeper) for k, v in obj.items()}
        items = [self.sanitize(item, deeper) for item in obj]
        return tuple(items) if kind is tuple else items


# -- decoding -------------------------------------------------------------------

#: What ext type 1 decodes to. A tuple marker anywhere but first in an array
#: is not valid; it then shows up as this (visible) Opaque.
TUPLE_MARK: Final = Opaque("msgpack ext 1", "tuple marker")


class ValueDecodeError(ValueError):
    """An ext payload inside a value did not decode (wrapped by the reader)."""


#: Big integers (ext 2) with one hash that one record may hold; more is a
#: hostile file (a map of such keys would take quadratic time to build).
MAX_SAME_HASH: Final = 64

_decoding = threading.local()


def _unknown_ext(code: int, data: bytes) -> Opaque:
    """An ext this format does not define, or one whose payload is not its
    shape: shown (its code and first bytes), never interpreted."""
    return Opaque(f"msgpack ext {code}", data[:64].hex())


def decode_ext(code: int, data: bytes) -> Any:
    """What ext ``code`` with payload ``data`` decodes to in a value (the
    ``ext_hook`` of both decoders; :mod:`chronoflow.recording.raw` shares it)."""
    if code == EXT_TUPLE:
        return _unknown_ext(code, data) if data else TUPLE_MARK
    if code == EXT_BIGINT:
        if not data:
            return _unknown_ext(code, data)
        value = int.from_bytes(data, "big", signed=True)
        _count_hash(value)
        return value
    if code == EXT_OPAQUE:
        return _opaque(data)
    if code == EXT_SURROGATE_STR:
        try:
            return data.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return _unknown_ext(code, data)
    # An ext type from a newer writer: shown, never interpreted.
    return _unknown_ext(code, data)


def _opaque(data: bytes) -> Opaque:
    """An Opaque's payload, ``[type name, repr]``, decoded with no ext hook.

    Why no hook: an Opaque holds two strings and nothing else; decoding its
    payload with the hooks would let a value nest Opaques inside Opaques,
    each level a new decoder on the C stack (a few hundred levels crash the
    interpreter). Anything else there is shown as an unknown ext.
    """
    try:
        fields = _unpackb(data, use_list=True)
    except Exception:  # any malformed payload is shown, not raised
        return _unknown_ext(EXT_OPAQUE, data)
    if (
        type(fields) is not list
        or len(fields) != 2
        or type(fields[0]) is not str
        or type(fields[1]) is not str
    ):
        return _unknown_ext(EXT_OPAQUE, data)
    return Opaque(fields[0], fields[1])


def _count_hash(value: int) -> None:
    """Refuse a record holding many big integers with one hash (see MAX_SAME_HASH)."""
    counts: dict[int, int] | None = getattr(_decoding, "hashes", None)
    if counts is None:
        return
    key = hash(value)
    seen = counts.get(key, 0) + 1
    if seen > MAX_SAME_HASH:
        raise ValueDecodeError(
            f"more than {MAX_SAME_HASH} big integers (ext 2) with the same hash: a hostile record"
        )
    counts[key] = seen


def _list_hook(items: list[Any]) -> Any:
    if items and items[0] is TUPLE_MARK:
        return tuple(items[1:])
    return items


def unpack_value(payload: bytes) -> Any:
    """Decode one msgpack object with the recording's mapping and bounded limits.

    Raises ``ValueError``/``TypeError`` subclasses on bad input; the reader
    turns them into :class:`~chronoflow.recording.errors.RecordingCorrupt`.
    """
    return unpack_bounded(payload, use_list=True, ext_hook=decode_ext, list_hook=_list_hook)


def unpack_bounded(payload: bytes, **hooks: Any) -> Any:
    """``msgpack.unpackb`` with every length limit sized to ``payload``, counting
    the hashes of the big integers it meets (see :data:`MAX_SAME_HASH`).

    ``hooks`` are msgpack's (``use_list``, ``ext_hook``, ``list_hook``): the
    decoder of values here and that of the raw form share the limits."""
    hashes: dict[int, int] = {}
    _decoding.hashes = hashes
    try:
        return _unpackb(payload, **hooks)
    finally:
        _decoding.hashes = None
        _decoding.big = bool(hashes)


def decoded_big_integers() -> bool:
    """Whether the last decode in this thread met a big integer (ext 2).

    Why: a reader checks the ranges of a chunk's integer columns only then;
    every other chunk's integers fit 64 bits by construction.
    """
    return bool(getattr(_decoding, "big", False))


def _unpackb(payload: bytes, **hooks: Any) -> Any:
    size = len(payload)
    return msgpack.unpackb(
        payload,
        raw=False,
        strict_map_key=False,
        max_str_len=size,
        max_bin_len=size,
        max_array_len=size,
        max_map_len=size // 2,
        max_ext_len=size,
        **hooks,
    )


def describe_decode_error(error: BaseException) -> str:
    """A reader-facing reason for a failure of :func:`unpack_value`."""
    if isinstance(error, msgpack.StackError):
        return "a value nests deeper than the decoder's limit (about 1000 levels)"
    if isinstance(error, UnicodeDecodeError):
        return f"a string is not valid UTF-8 ({error.reason} at position {error.start})"
    if isinstance(error, msgpack.ExtraData):
        return "extra bytes after the msgpack payload"
    if isinstance(error, msgpack.FormatError):
        return "invalid msgpack (a reserved byte)"
    text = str(error)
    if "exceeds max_" in text:
        return f"a length header is larger than its record ({text})"
    if "incomplete input" in text:
        return "the msgpack payload ends early (a length in it claims more than the record holds)"
    if isinstance(error, TypeError) and "unhashable" in text:
        return f"a map key cannot be a key ({text})"
    return f"invalid msgpack payload ({type(error).__name__}: {text})"
