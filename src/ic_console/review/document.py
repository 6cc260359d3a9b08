"""A small document model, rendered to Markdown and to self-contained HTML.

The postmortem draft is built once as blocks of plain text; each renderer escapes every piece of
text for its format. So a log entry that reads `<script>` or `**bold**` is shown as typed in
both outputs, and the two outputs never drift apart.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from ic_console.review.batching import sized_batches
from ic_console.review.text import (
    MD_SPECIAL,
    md_cell,
    md_escape,
    md_references,
    one_line,
    printable,
)

#: What `html.escape` changes (with `quote=True`).
_HTML_SPECIAL = "&<>\"'"
_ANY_HTML_SPECIAL = re.compile(f"[{_HTML_SPECIAL}]")


@dataclass(frozen=True, slots=True)
class Strong:
    text: str


@dataclass(frozen=True, slots=True)
class Em:
    text: str


@dataclass(frozen=True, slots=True)
class Url:
    """An address someone gave (a tracker item's link): written so that it still leads there,
    never with its characters escaped as text (`ic followups mark --tracked`)."""

    text: str


Inline = str | Strong | Em | Url
Parts = tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Para:
    parts: Parts


@dataclass(frozen=True, slots=True)
class Prompt:
    """Guidance for the writer, to be replaced by their own words."""

    text: str


@dataclass(frozen=True, slots=True)
class Fields:
    items: tuple[tuple[str, Parts], ...]


@dataclass(frozen=True, slots=True)
class Item:
    parts: Parts
    children: tuple[Parts, ...] = ()


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[Item, ...]
    checkboxes: bool = False


@dataclass(frozen=True, slots=True)
class LazyRows:
    """A long table's rows, made a batch at a time while the table is written (the timeline of
    a long incident is never held as rows): `batches()` gives them in order, each batch as its
    columns (one sequence of cells per column, all as long), at most `TABLE_ROWS` rows and about
    `TABLE_CHARS` characters (`sized_batches`)."""

    batches: Callable[[], Iterator[Sequence[Sequence[str]]]]


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] | LazyRows


Block = Heading | Para | Prompt | Fields | Bullets | Table


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


# -- tables ------------------------------------------------------------------------------------

#: What keeps a column's cells apart while the column is escaped as one text: a control
#: character, which never reaches a cell (`one_line` makes it visible) and no escape touches.
_CELL = "\x00"

#: Table rows escaped and written at a time: a long table is never held as one text (or three).
TABLE_ROWS = 1024
#: ...and at most about this many characters of cells at a time.
TABLE_CHARS = 1 << 20

_T = TypeVar("_T")


def _row_sizes(rows: Sequence[Sequence[str]]) -> Iterator[int]:
    return (sum(map(len, row)) for row in rows)


def _column_batches(rows: Sequence[Sequence[str]] | LazyRows) -> Iterator[Sequence[Sequence[str]]]:
    """The table's cells a batch of rows at a time, as columns."""
    if isinstance(rows, LazyRows):
        yield from rows.batches()
        return
    for batch in sized_batches(rows, _row_sizes(rows), TABLE_ROWS, TABLE_CHARS):
        yield list(zip(*batch, strict=True))


#: Every printable ASCII character.
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def _printable(column: Sequence[str]) -> bool:
    """Whether every cell of `column` is printable: ASCII cells are checked by deleting their
    printable bytes (a fast pass), any others a character at a time."""
    flat = "".join(column)
    if flat.isascii():
        return not flat.encode("ascii").translate(None, _PRINTABLE_ASCII)
    return flat.isprintable()


def _escaped(column: Sequence[str], special: str, escape: Callable[[str], str]) -> Sequence[str]:
    """Each cell of `column` on one line (as `one_line` shows it), then escaped by `escape`,
    which changes only the characters of `special` and never `_CELL`: the column is checked
    and escaped as one text. Most cells are one printable line already with nothing to escape,
    and go out as they came."""
    if not _printable(column):
        column = [cell if cell.isprintable() else one_line(cell) for cell in column]
    joined = _CELL.join(column)
    for ch in special:
        if ch in joined:  # a search for one character is a fast scan; a pattern's is not
            return escape(joined).split(_CELL)
    return column


def _md_column(column: Sequence[str]) -> Sequence[str]:
    """Each cell as `md_escape(one_line(cell))`, with the web addresses in it as links
    (`_md_linked`)."""
    escaped = _escaped(column, MD_SPECIAL + "&", _md_special)
    if "://" not in _CELL.join(column):  # one fast scan: most columns hold no address
        return escaped
    return [
        _md_linked(one_line(cell)) if "://" in cell else done
        for cell, done in zip(column, escaped, strict=True)
    ]


#: A web address someone wrote in a line ("the dashboard at https://grafana/d/api_errors"),
#: up to a space.
_ADDRESS = re.compile(r"https?://\S+")
#: What an autolink cannot hold (`<`, `>`), or would end a table cell (`|`): an address with
#: one stays escaped text, never a link to part of it.
_NOT_LINKED = frozenset("<>|")
#: What usually ends the sentence around an address, not the address itself.
_ADDRESS_TAIL = ".,;:!?)]}'\""


def _md_linked(text: str) -> str:
    """`md_cell(text)`, but each web address in it written as an autolink (`<https://...>`):
    escaped as text, `https://grafana/d/api_errors` became a link to `api%5C_errors`, a page
    that does not exist (the timeline's "tracked at" lines, a dashboard pasted in the log)."""
    out: list[str] = []
    at = 0
    for found in _ADDRESS.finditer(text):
        address = found.group(0).rstrip(_ADDRESS_TAIL)
        if address.endswith("//") or not _NOT_LINKED.isdisjoint(address):
            continue  # nothing after the scheme, or not one autolink: left as text
        out.append(md_cell(text[at : found.start()]) if found.start() > at else "")
        out.append(_md_url(address))
        at = found.start() + len(address)
    out.append(md_cell(text[at:]) if at < len(text) else "")
    return "".join(out)


def _html_escape(text: str) -> str:
    return html.escape(text, quote=True)


def _html_column(column: Sequence[str]) -> Sequence[str]:
    """Each cell as `html.escape(one_line(cell))`."""
    return _escaped(column, _HTML_SPECIAL, _html_escape)


def _rows_text(columns: Sequence[Sequence[str]], first: str, cell: str, row: str) -> str:
    """The rows of `columns` in one text: `first` before the first cell, `row` before the first
    cell of every later row, `cell` before every other cell. One join: no text per row."""
    width = len(columns)
    step = 2 * width
    height = len(columns[0])
    parts = [cell] * (step * height)
    parts[0::step] = [row] * height
    parts[0] = first
    for index, column in enumerate(columns):
        parts[2 * index + 1 :: step] = column
    return "".join(parts)


def _md_special(text: str) -> str:
    """`text.translate(MD_ESCAPES)`, as one `replace` per special character: each pass is a fast
    scan, where `translate` looks every character up in a dictionary (the backslash goes first,
    so no later pass sees the backslashes it adds, and none adds what another looks for)."""
    for ch in MD_SPECIAL:
        text = text.replace(ch, "\\" + ch)
    return md_references(text) if "&" in text else text


# -- Markdown ----------------------------------------------------------------------------------


def _marked(text: str, mark: str) -> str:
    """`text` between Markdown emphasis marks, with its outer spaces kept outside them (a mark
    next to a space is not emphasis in CommonMark)."""
    flat = text if text.isprintable() else one_line(text)
    core = flat.strip()
    if not core:
        return flat
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() else ""
    return f"{lead}{mark}{md_cell(core)}{mark}{trail}"


def _md_inline(parts: Sequence[Inline]) -> str:
    out: list[str] = []
    for part in parts:
        kind = type(part)
        if kind is str:
            text: str = part  # type: ignore[assignment]
            out.append(_md_linked(text) if "://" in text else md_cell(text))
        elif isinstance(part, Strong):
            out.append(_marked(part.text, "**"))
        elif isinstance(part, Em):
            out.append(_marked(part.text, "_"))
        elif isinstance(part, Url):
            out.append(_md_url(part.text))
        else:
            out.append(md_escape(one_line(part)))
    return "".join(out)


def render_markdown(document: Document) -> str:
    return "".join(markdown_pieces(document))


def markdown_pieces(document: Document) -> Iterator[str]:
    """`render_markdown` of `document` block by block, so a long table is written as it is
    rendered and never held twice (as its block and inside the whole text)."""
    yield f"# {md_escape(one_line(document.title))}"
    for block in document.blocks:
        chunks: list[str] = []
        match block:
            case Heading():
                chunks.append(f"{'#' * block.level} {md_escape(one_line(block.text))}")
            case Para():
                chunks.append(_md_inline(block.parts))
            case Prompt():
                chunks.append(f"> _{md_escape(one_line(block.text))}_")
            case Fields():
                chunks.append(
                    "\n".join(
                        f"- **{md_escape(key)}:** {_md_inline(value)}" for key, value in block.items
                    )
                )
            case Bullets():
                box = "[ ] " if block.checkboxes else ""
                lines: list[str] = []
                # A child shared by many items (the same finding on many action items) is
                # written once; the block holds every child, so no id is reused meanwhile.
                made: dict[int, str] = {}
                for item in block.items:
                    lines.append(f"- {box}{_md_inline(item.parts)}")
                    for child in item.children:
                        line = made.get(id(child))
                        if line is None:
                            line = made[id(child)] = f"  - {_md_inline(child)}"
                        lines.append(line)
                chunks.append("\n".join(lines))
            case Table():
                yield "\n\n" + "\n".join(
                    [
                        "| " + " | ".join(md_escape(h) for h in block.header) + " |",
                        "|" + "|".join(" --- " for _ in block.header) + "|",
                    ]
                )
                for columns in _column_batches(block.rows):
                    cells = [_md_column(column) for column in columns]
                    yield _rows_text(cells, "\n| ", " | ", " |\n| ") + " |"
        for chunk in chunks:
            yield "\n\n" + chunk
    yield "\n"


# -- HTML --------------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
  background: #fff; margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 1.8rem; margin: 0 0 1rem; border-bottom: 2px solid #1b1b1b; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; border-bottom: 1px solid #bbb; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
p, ul, dl { margin: .4rem 0 .8rem; }
.prompt { color: #555; font-style: italic; border-left: 3px solid #bbb; padding-left: .7rem; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.fields dt { font-weight: 600; }
dl.fields dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .25rem .45rem; text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
th { background: #f1f1f1; }
ul.checks { list-style: none; padding-left: 1rem; }
ul.checks > li::before { content: "\\2610\\00a0"; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; }
  tr, li { break-inside: avoid; }
  thead { display: table-header-group; }
  th { background: none; }
}
@page { margin: 16mm 14mm; }
"""


def _h(text: str) -> str:
    if text.isprintable() and _ANY_HTML_SPECIAL.search(text) is None:
        return text  # nothing to escape, no line to break: most texts
    return html.escape(printable(text, keep_newlines=True), quote=True).replace("\n", "<br>")


def _md_url(url: str) -> str:
    """An autolink (`<https://...>`), where backslash escapes would become part of the
    address; an address that cannot be one (a space, `<` or `>` in it) as escaped text."""
    flat = one_line(url)
    if flat.isprintable() and not any(ch.isspace() or ch in "<>" for ch in flat):
        return f"<{flat}>"
    return md_escape(flat)


def _html_inline(parts: Sequence[Inline]) -> str:
    out: list[str] = []
    for part in parts:
        if isinstance(part, Strong):
            out.append(f"<strong>{_h(part.text)}</strong>")
        elif isinstance(part, Em):
            out.append(f"<em>{_h(part.text)}</em>")
        elif isinstance(part, Url):
            out.append(_h(part.text))
        else:
            out.append(_h(part))
    return "".join(out)


def render_html(document: Document) -> str:
    return "".join(html_pieces(document))


def html_pieces(document: Document) -> Iterator[str]:
    """`render_html` of `document` block by block (see `markdown_pieces`)."""
    yield (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_h(document.title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n<h1>{_h(document.title)}</h1>"
    )
    for block in document.blocks:
        body: list[str] = []
        match block:
            case Heading():
                level = min(max(block.level, 2), 6)
                body.append(f"<h{level}>{_h(block.text)}</h{level}>")
            case Para():
                body.append(f"<p>{_html_inline(block.parts)}</p>")
            case Prompt():
                body.append(f'<p class="prompt">{_h(block.text)}</p>')
            case Fields():
                items = "".join(
                    f"<dt>{_h(key)}</dt><dd>{_html_inline(value)}</dd>"
                    for key, value in block.items
                )
                body.append(f'<dl class="fields">{items}</dl>')
            case Bullets():
                css = ' class="checks"' if block.checkboxes else ""
                lis: list[str] = []
                made: dict[int, str] = {}  # as in `markdown_pieces`
                for item in block.items:
                    inner = _html_inline(item.parts)
                    if item.children:
                        kids = []
                        for child in item.children:
                            kid = made.get(id(child))
                            if kid is None:
                                kid = made[id(child)] = f"<li>{_html_inline(child)}</li>"
                            kids.append(kid)
                        inner += f"<ul>{''.join(kids)}</ul>"
                    lis.append(f"<li>{inner}</li>")
                body.append(f"<ul{css}>\n" + "\n".join(lis) + "\n</ul>")
            case Table():
                head = "".join(f"<th>{_h(h)}</th>" for h in block.header)
                yield f"\n<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
                lead = ""
                for columns in _column_batches(block.rows):
                    cells = [_html_column(column) for column in columns]
                    first = lead + "<tr><td>"
                    yield (
                        _rows_text(cells, first, "</td><td>", "</td></tr>\n<tr><td>") + "</td></tr>"
                    )
                    lead = "\n"
                yield "\n</tbody>\n</table>"
        for piece in body:
            yield "\n" + piece
    yield "\n</main>\n</body>\n</html>\n"
