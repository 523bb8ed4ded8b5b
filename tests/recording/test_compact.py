"""Format 3's chunks: pid steps, compact SENDs and RECEIVEs, and the column sink that feeds them."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Generator
from pathlib import Path
from typing import Any

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronoflow import SimpleScheduler, template
from chronoflow.errors import MisuseError
from chronoflow.recording import ReadMode, RecordingWriter, open_recording
from chronoflow.recording.errors import RecordingCorrupt
from chronoflow.recording.raw import to_raw
from chronoflow.recording.recorder import Recorder
from chronoflow.signals import Signal, SignalType
from tests.recording.conftest import same_signals, write_recording

S = SignalType


def payloads(path: Path) -> list[list[Any]]:
    """Every chunk of ``path`` as the msgpack array it is stored as."""
    data = path.read_bytes()
    with open_recording(path) as reader:
        return [
            msgpack.unpackb(data[view.offset + 13 : view.end], strict_map_key=False)
            for view in reader.chunks()
        ]


def ring_signals(hops: int, processes: int = 300) -> list[Signal]:
    """A ring's signals as the runtime records them: RECEIVE, SEND, WAIT per hop."""
    signals: list[Signal] = []
    sent = 0
    for hop in range(hops):
        pid, to = hop % processes, (hop + 1) % processes
        seq = len(signals)
        stamp = 1_700_000_000.0 + hop * 3e-6
        signals.append(Signal(seq, pid, S.RECEIVE, sent, stamp))
        message = (to, hop)
        signals.append(
            Signal(seq + 1, pid, S.SEND, {"msg": message, "to": to, "into": [to]}, stamp)
        )
        signals.append(Signal(seq + 2, pid, S.WAIT, None, stamp))
        sent = seq + 1
    return signals


@pytest.mark.format_rule("compact-forms")
def test_sends_and_receives_are_stored_compact_and_read_as_they_were(tmp_path: Path) -> None:
    signals = ring_signals(400)
    path = write_recording(tmp_path / "ring.cfl", signals, chunk=1200)
    (chunk,) = payloads(path)
    first, count, _, steps, types, _, datas, tos = chunk
    assert (first, count) == (0, 1200)
    # The first RECEIVE names seq 0, itself: not an earlier seq, so it is stored plainly.
    assert types[:6] == bytes((S.RECEIVE, 0x85, S.WAIT, 0x8A, 0x85, S.WAIT))
    assert datas[:5] == [
        0,
        [msgpack.ExtType(1, b""), 1, 0],
        None,
        2,
        [msgpack.ExtType(1, b""), 2, 1],
    ]
    assert tos[:2] == [1, 2]
    assert len(tos) == 400
    assert steps[:6] == [0, 0, 0, 1, 0, 0]
    for mode in ReadMode:
        assert same_signals(open_recording(path, mode).signals(), signals)
    raw = [d for view in open_recording(path).columns(0, raw=True) for d in view.datas]
    assert raw == [to_raw(signal.data) for signal in signals]
    assert path.stat().st_size / len(signals) < 10


def _send_data(to: Any, into: list[Any], extra: dict[str, Any]) -> dict[str, Any]:
    return {"msg": ("m", to), "to": to, "into": into, **extra}


sends = st.builds(
    _send_data,
    st.one_of(st.none(), st.integers(0, 5), st.just(2**63), st.just(-1), st.just(True)),
    st.lists(st.integers(0, 5), max_size=3),
    st.sampled_from([{}, {"matched": [1]}, {"raised": [[1, "ValueError"]]}]),
)
datas = st.one_of(
    st.tuples(st.just(S.SEND), sends),
    st.tuples(st.just(S.SEND), st.sampled_from([None, 3, "x", {"msg": 1}])),
    st.tuples(st.just(S.RECEIVE), st.one_of(st.integers(-(2**70), 2**70), st.none(), st.text())),
    st.tuples(st.sampled_from([S.WAIT, S.STOP, S.DELIVER]), st.none()),
)


@pytest.mark.format_rule("compact-forms")
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2**63 - 1), datas), min_size=1, max_size=40))
def test_any_send_or_receive_reads_back_as_it_was_written(
    tmp_path_factory: pytest.TempPathFactory, drawn: list[tuple[int, tuple[S, Any]]]
) -> None:
    signals = [
        Signal(seq, pid, kind, data, 1_700_000_000.0)
        for seq, (pid, (kind, data)) in enumerate(drawn)
    ]
    path = write_recording(tmp_path_factory.mktemp("any") / "any.cfl", signals, chunk=7)
    got = list(open_recording(path, ReadMode.STRICT).signals())
    assert [s[:4] for s in got] == [s[:4] for s in signals]
    assert [type(s.data) for s in got] == [type(s.data) for s in signals]
    raw = [d for view in open_recording(path).columns(0, raw=True) for d in view.datas]
    assert raw == [to_raw(signal.data) for signal in signals]


def rewrite_chunk(path: Path, change: Any) -> Path:
    """``path``'s first chunk with its array changed by ``change`` (re-framed, salted)."""
    from chronoflow.recording.format import frame, parse_header

    data = path.read_bytes()
    header, _ = parse_header(data)
    with open_recording(path) as reader:
        (view,) = reader.chunks()
        start, end = view.offset, view.end
    chunk = msgpack.unpackb(data[start + 13 : end], strict_map_key=False)
    change(chunk)
    payload = msgpack.packb(chunk, use_bin_type=True)
    out = path.with_name("changed.cfl")
    out.write_bytes(data[:start] + frame(2, payload, header.salt) + data[end:])
    return out


@pytest.mark.format_rule("compact-forms")
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda c: c[7].append(3), "tos do not match"),
        (lambda c: c[7].clear(), "tos do not match"),
        (lambda c: c.__setitem__(4, b"\x81" + c[4][1:]), "compact form this reader does not know"),
        (lambda c: c[6].__setitem__(3, "x"), "compact RECEIVE"),
        (lambda c: c[3].__setitem__(3, -5), "pids are out of range"),
        (lambda c: c.pop(), "array of 8 fields"),
    ],
)
def test_compact_columns_that_do_not_fit_together_are_damage(
    tmp_path: Path, change: Any, reason: str
) -> None:
    path = write_recording(tmp_path / "ring.cfl", ring_signals(4), chunk=1024, close=False)
    changed = rewrite_chunk(path, change)
    with pytest.raises(RecordingCorrupt, match=reason):
        list(open_recording(changed, ReadMode.STRICT).signals())
    tolerant = open_recording(changed)
    assert list(tolerant.signals()) == []
    assert any(reason in str(warning) for warning in tolerant.warnings)


# -- the column sink -------------------------------------------------------------------


@template(route=lambda message: message[0])
def Relay(self: Any, ring: int, hops: int) -> Generator[Any, Any, Any]:
    """Pass a counter to the next pid until it has made ``hops`` hops."""
    while True:
        _to, count = yield self.receive()
        if count >= hops:
            return count
        self.send(((self.pid + 1) % ring, count + 1))


class CountingClock:
    """A clock that counts its readings; each reading is one microsecond later."""

    def __init__(self) -> None:
        self.readings = 0

    def __call__(self) -> float:
        self.readings += 1
        return 1_700_000_000.0 + self.readings / 1e6


async def relay(scheduler: SimpleScheduler, hops: int) -> None:
    procs = [scheduler.create(Relay, 3, hops) for _ in range(3)]
    for proc in procs:
        proc.start()
    await procs[0].push((0, 0))
    await scheduler.run()


def test_the_recorder_reads_the_clock_once_per_turn_of_a_process(tmp_path: Path) -> None:
    clock = CountingClock()
    out = tmp_path / "relay.cfl"
    with SimpleScheduler(clock=clock, record=out) as scheduler:
        assert scheduler.bus.sole_sink is not None
        asyncio.run(relay(scheduler, 300))
    signals = list(open_recording(out).signals())
    turns = sum(1 for s in signals if s.type == S.RECEIVE)
    # One reading per turn (RECEIVE, SEND, WAIT share it), one per signal
    # outside a turn (the STARTs, the push), a few more where the bus ticks.
    assert turns == 301
    assert clock.readings < turns + 40 < len(signals) // 2
    for receive, send, wait in zip(signals[5::3], signals[6::3], signals[7::3], strict=False):
        if (receive.type, send.type, wait.type) == (S.RECEIVE, S.SEND, S.WAIT):
            assert receive.ts == send.ts == wait.ts
    assert [s.ts for s in signals] == sorted(s.ts for s in signals)


async def test_a_recorder_sees_what_an_observer_sees(tmp_path: Path) -> None:
    for alone in (True, False):
        seen: list[Signal] = []
        out = tmp_path / f"relay-{alone}.cfl"
        clock = CountingClock()
        async with SimpleScheduler(clock=clock, record=Recorder(out, chunk_size=50)) as scheduler:
            if not alone:
                scheduler.add_observer(seen.append)
            await relay(scheduler, 200)
        got = list(open_recording(out).signals())
        assert [s.seq for s in got] == list(range(len(got)))
        assert len(got) > 600
        if not alone:
            assert same_signals(got, seen)
    plain, shared = (tmp_path / f"relay-{alone}.cfl" for alone in (True, False))
    assert [s[:4] for s in open_recording(plain).signals()] == [
        s[:4] for s in open_recording(shared).signals()
    ]


def test_columns_with_a_missing_seq_are_refused(tmp_path: Path) -> None:
    writer = RecordingWriter(tmp_path / "gap.cfl", {})
    stamps = [(0, 10, 1.0), (2, 13, 2.0)]  # seq 12 missing before index 2
    with pytest.raises(MisuseError, match="not consecutive"):
        writer.write_columns([0, 0, 0], bytes([S.WAIT] * 3), [None] * 3, [], stamps)
    writer.write_columns([0, 0, 0], bytes([S.WAIT] * 3), [None] * 3, [], [(0, 10, 1.0)])
    # With a time for every signal (as an observer hands them), seqs may jump.
    stamps = [(0, 20, 3.0), (1, 21, 4.0), (2, 25, 5.0)]
    writer.write_columns([1, 2, 3], bytes([S.WAIT] * 3), [None] * 3, [], stamps)
    writer.close()
    got = list(open_recording(tmp_path / "gap.cfl").signals())
    assert [(s.seq, s.pid, s.ts) for s in got] == [
        (10, 0, 1.0),
        (11, 0, 1.0),
        (12, 0, 1.0),
        (20, 1, 3.0),
        (21, 2, 4.0),
        (25, 3, 5.0),
    ]


def test_a_ring_recording_stays_under_ten_bytes_a_signal(tmp_path: Path) -> None:
    out = tmp_path / "ring.cfl"
    hops = 10_000

    @template(route=lambda message: message[0])
    def Node(self: Any, next_pid: int) -> Generator[Any, Any, None]:
        while True:
            _, token = yield self.receive()
            if token >= hops:
                return
            self.send((next_pid, token + 1))

    with SimpleScheduler(inbox_limit=None, record=out) as scheduler:
        nodes = [scheduler.create(Node, (i + 1) % 200) for i in range(200)]
        for node in nodes:
            node.start()
        nodes[0].send((0, 0))
        scheduler.run_ready()
    reader = open_recording(out)
    count = reader.count() or 0
    assert count > 3 * hops
    assert out.stat().st_size / count < 10
    kinds = {byte for chunk in payloads(out) for byte in chunk[4]}
    assert {0x85, 0x8A} <= kinds
    # The token handed to node 0 from outside, then node 0's send to node 1.
    hop = list(itertools.islice((s for s in reader.signals() if s.type == S.SEND), 2))
    assert [s.data for s in hop] == [
        {"msg": (0, 0), "to": 0, "into": [0]},
        {"msg": (1, 1), "to": 1, "into": [1]},
    ]


def test_a_long_turn_reads_the_clock_again_at_every_tick(tmp_path: Path) -> None:
    @template
    def Sleeper(self: Any) -> Generator[Any, Any, None]:
        yield self.sleep(3600)

    @template(route=lambda message: message[0])
    def Flooder(self: Any, to: int, count: int) -> Generator[Any, Any, None]:
        for index in range(count):
            self.send((to, index))
        yield self.receive()

    clock = CountingClock()
    out = tmp_path / "flood.cfl"
    with SimpleScheduler(clock=clock, inbox_limit=None, record=out) as scheduler:
        sleeper = scheduler.create(Sleeper)
        sleeper.start()
        scheduler.create(Flooder, sleeper.pid, 6_400).start()
        scheduler.run_ready()
    sends = [s.ts for s in open_recording(out).signals() if s.type == S.SEND]
    assert len(sends) == 6_400
    # One turn: the time is read again every TICK_EVERY (64) signals, no more.
    assert 100 <= len(set(sends)) <= 6_400 // 32
    assert sends == sorted(sends)
