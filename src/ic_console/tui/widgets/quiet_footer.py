"""Textual's Footer, showing the keys that fit, then "? more", recomposed only when that changed.

Textual's Footer lays all its keys in one row and lets the ones past the edge run under the
command palette key (a stray letter showed after "Palette" at 80 columns). This one measures
the keys and stops before the edge, ending with "? more" when some were left out: the help
screen (`?`) lists them all.

Textual's Footer also rebuilds all its keys every time the bindings may have changed: each focus
change, screen push and reactive with bindings. The console's footer holds some twenty-five
keys, and opening an incident moves the focus and the screens several times, so the same keys
were mounted and styled again and again before the first useful frame (about a tenth of a
second at open). The keys only change when a binding is shown, hidden, enabled or disabled, or
when the footer's width changes.

It also composes its keys with the screen, at the screen's width, instead of waiting (as
Textual's does) for the first bindings signal after the first frame and for its own first
resize: each wait mounted the keys again, laid the screen out and drew it again once the
console was already on screen. Focusing a list changes no key shown (the list keys are hidden
from the footer), so that recomposes nothing either.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # not re-exported; the Footer's own key

#: The key that opens the help screen, where every key is listed.
MORE_KEY = "question_mark"
MORE_DISPLAY = "?"
MORE_DESCRIPTION = "more"


@dataclass(frozen=True)
class Key:
    """One key as the footer shows it."""

    key: str
    display: str
    description: str
    action: str
    enabled: bool = True
    tooltip: str = ""


def key_width(key: Key, *, compact: bool) -> int:
    """Cells taken by `key` in the footer, its margin included (see Textual's FooterKey CSS)."""
    display = cell_len(key.display)
    description = cell_len(key.description)
    if compact:
        # "k description" then a margin of one.
        return display + (1 + description if description else 0) + 1
    # " k " then "description " (no margin).
    return display + 2 + (description + 1 if description else 0)


def palette_width(key: Key, *, compact: bool) -> int:
    """Cells of the command palette key docked on the right: a one-cell border, the key, and
    its margin (compact) or right padding."""
    return 1 + key_width(key, compact=compact) + (0 if compact else 1)


def fit_keys(
    keys: Sequence[Key], width: int, *, compact: bool, more: Key
) -> tuple[list[Key], bool]:
    """The keys that fit in `width` cells, in order, and whether some were left out.

    When not all fit, room is kept for `more` at the end; a key never shows in part.
    """
    total = sum(key_width(key, compact=compact) for key in keys)
    if total <= width:
        return list(keys), False
    room = width - key_width(more, compact=compact)
    shown: list[Key] = []
    for key in keys:
        needed = key_width(key, compact=compact)
        if needed > room:
            break
        shown.append(key)
        room -= needed
    return shown, True


class KeyRow(FooterKey):
    """The footer's keys in one widget, drawn as Textual's FooterKey draws each (its CSS, its
    component styles), with the footer's own background in the one-cell gap between them.

    One FooterKey widget per key was ~30 ms of the console's first frame with its twenty keys:
    each one mounted, styled, measured for its width and drawn in every layout pass.
    """

    DEFAULT_CSS = """
    KeyRow {
        &:hover {
            color: $footer-foreground;
            background: $footer-item-background;
        }
        & > .key-row--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = FooterKey.COMPONENT_CLASSES | {"key-row--hover"}

    def __init__(self, keys: Sequence[Key], *, classes: str = "") -> None:
        super().__init__("", "", "", "", classes=classes)
        self.keys = list(keys)
        self._hovered: int | None = None

    def _gap(self) -> int:
        """Cells between two keys: FooterKey's right margin in a compact footer."""
        return 1 if self.has_class("-compact") else 0

    def _texts(self) -> list[Text]:
        """Each key's text, exactly as `FooterKey.render` makes it."""
        key_style = self.get_component_rich_style("footer-key--key")
        description_style = self.get_component_rich_style("footer-key--description")
        key_padding = self.get_component_styles("footer-key--key").padding
        description_padding = self.get_component_styles("footer-key--description").padding
        base = self.rich_style
        texts = []
        for key in self.keys:
            if key.description:
                text = Text.assemble(
                    (" " * key_padding.left + key.display + " " * key_padding.right, key_style),
                    (
                        " " * description_padding.left
                        + key.description
                        + " " * description_padding.right,
                        description_style,
                    ),
                )
            else:
                text = Text.assemble((key.display, key_style))
            text.stylize_before(base + Style(dim=True) if not key.enabled else base)
            texts.append(text)
        if self._hovered is not None and 0 <= self._hovered < len(texts):
            texts[self._hovered].stylize(self.get_component_rich_style("key-row--hover"))
        return texts

    def render_line(self, y: int) -> Strip:
        """The keys, and between two keys the footer's own background (as its margin shows
        between FooterKey widgets: no text colour, which a widget's own text would get)."""
        parent = self.parent
        background = parent.rich_style.bgcolor if isinstance(parent, Widget) else None
        gap = Segment(" " * self._gap(), Style(bgcolor=background))
        segments: list[Segment] = []
        console = self.app.console
        for n, text in enumerate(self._texts()):
            if n and gap.text:
                segments.append(gap)
            segments.extend(text.render(console, end=""))
        return Strip(segments).crop_extend(0, self.size.width, None) if y == 0 else Strip([])

    def get_content_width(self, container: Size, viewport: Size) -> int:
        texts = self._texts()
        return sum(text.cell_len for text in texts) + self._gap() * max(0, len(texts) - 1)

    def _key_at(self, x: int) -> int | None:
        """The key drawn at column `x`, if any."""
        start = 0
        for n, text in enumerate(self._texts()):
            if start <= x < start + text.cell_len:
                return n
            start += text.cell_len + self._gap()
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hovered = self._key_at(event.x)
        if hovered != self._hovered:
            self._hovered = hovered
            # The key's own tooltip, as its FooterKey widget had.
            self.tooltip = (self.keys[hovered].tooltip or None) if hovered is not None else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hovered is not None:
            self._hovered = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:  # type: ignore[override]
        # FooterKey's own handler (which presses its one key) must not run as well.
        event.prevent_default()
        index = self._key_at(event.x)
        if index is None:
            return
        key = self.keys[index]
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()


class QuietFooter(Footer):
    """A Footer that shows what fits then "? more", and skips a recompose when nothing changed."""

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._shown: tuple[Hashable, ...] | None = None
        #: Whether the last compose left keys out (then it ended with "? more").
        self.cut = False

    def _width(self) -> int:
        """The footer's width; before its first layout, the app's (it spans the bottom row)."""
        return self.size.width or self.app.size.width

    def _keys(self) -> tuple[Hashable, ...]:
        """What the footer shows: the keys, the palette key, "? more" and the width."""
        keys, palette = self.shown_keys()
        return (self.compact, self._width(), tuple(keys), palette, self._more_key())

    def shown_keys(self) -> tuple[list[Key], Key | None]:
        """The keys to show, in order, and the command palette key (None when not shown)."""
        keys: list[Key] = []
        seen: set[str] = set()
        active = self.screen.active_bindings
        for _node, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append(
                Key(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    enabled,
                    tooltip,
                )
            )
        palette: Key | None = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            found = active.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, tooltip = found
                palette = Key(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    enabled,
                    binding.tooltip or binding.description,
                )
        return keys, palette

    def _more_key(self) -> Key:
        found = self.screen.active_bindings.get(MORE_KEY)
        action = found[1].action if found is not None else ""
        return Key(MORE_KEY, MORE_DISPLAY, MORE_DESCRIPTION, action, True, "Every key")

    def compose(self) -> ComposeResult:
        if not self.is_attached:
            return
        self._shown = self._keys()
        keys, palette = self.shown_keys()
        width = self._width()
        if palette is not None:
            width -= palette_width(palette, compact=self.compact)
        more = self._more_key()
        if width > 0 and self._width() > 0:
            shown, self.cut = fit_keys(keys, width, compact=self.compact, more=more)
        else:  # no size at all yet: the first resize composes again
            shown, self.cut = keys, False
        if self.cut:
            shown = [key for key in shown if key.key != MORE_KEY]
            shown.append(more)
        # The keys start with the compact class: the `compact` watcher would otherwise add it
        # once mounted and restyle them again.
        compact = "-compact" if self.compact else ""
        if shown:
            yield KeyRow(shown, classes=compact).data_bind(compact=Footer.compact)
        if palette is not None:
            yield FooterKey(
                palette.key,
                palette.display,
                palette.description,
                palette.action,
                classes=f"-command-palette {compact}",
                disabled=not palette.enabled,
                tooltip=palette.tooltip,
            )

    async def recompose(self) -> None:
        if not self.is_attached:
            return
        if self._keys() == self._shown:
            return
        await super().recompose()

    def on_resize(self, event: events.Resize) -> None:
        if self._shown is not None and self._keys() != self._shown:
            self.call_after_refresh(self.recompose)
