"""VirtualList paints a row's text exactly as Rich would, one Strip per line."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult

from tui.literal import literal
from tui.widgets.virtual_list import VirtualList

STYLES = ["", "bold", "dim", "italic", "bold red", "bold black on yellow", Style(underline=True)]
UNDER = Style(color="white", bgcolor="black")


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield VirtualList()


def drawn(segments: list[Segment]) -> list[tuple[str, Style | None]]:
    return [(s.text, s.style) for s in Segment.simplify(segments) if s.text]


def as_rich(text: Text, console: object) -> list[Segment]:
    """Rich's own rendering over UNDER (with the text's style, which Rich
    leaves to its caller when a text has no spans)."""
    whole = text.copy()
    whole.stylize_before(text.style)
    return [Segment(s.text, UNDER + s.style if s.style else UNDER) for s in whole.render(console)]  # type: ignore[arg-type]


pieces = st.lists(
    st.tuples(st.text(alphabet="ab ✉▸\x1b[", max_size=6), st.sampled_from(STYLES)),
    max_size=6,
)


async def test_rows_are_drawn_as_rich_draws_them() -> None:
    app = Host()
    async with app.run_test():
        listing = app.query_one(VirtualList)

        @settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(pieces, st.sampled_from(STYLES), st.booleans())
        def check(parts: list[tuple[str, str | Style]], own: str | Style, escaped: bool) -> None:
            text = Text(style=own, end="")
            for part, style in parts:
                # literal() turns control characters into styled escapes:
                # spans inside a span, which take Rich's own way.
                if escaped:
                    text.append_text(literal(part, style if isinstance(style, str) else ""))
                else:
                    text.append(part, style)
            assert drawn(listing._segments(text, UNDER)) == drawn(as_rich(text, app.console))

        check()


class TwoLists(App[None]):
    CSS = """
    VirtualList > .virtual-list--cursor { background: red; }
    VirtualList:focus > .virtual-list--cursor { background: blue; }
    """

    def compose(self) -> ComposeResult:
        yield VirtualList(id="first")
        yield VirtualList(id="second")


async def test_the_kept_styles_follow_focus() -> None:
    # The styles are worked out once and kept across repaints; a change of
    # focus (a pseudo-class) must still reach the cursor's.
    app = TwoLists()
    async with app.run_test() as pilot:
        first = app.query_one("#first", VirtualList)
        second = app.query_one("#second", VirtualList)
        first.focus()
        await pilot.pause()
        first.refresh_rows()
        assert first._styles()[1].bgcolor.name == "#0000ff"  # type: ignore[union-attr]
        second.focus()
        await pilot.pause()
        first.refresh_rows()
        assert first._styles()[1].bgcolor.name == "#ff0000"  # type: ignore[union-attr]
        assert second._styles()[1].bgcolor.name == "#0000ff"  # type: ignore[union-attr]
