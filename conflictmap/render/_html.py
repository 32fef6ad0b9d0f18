"""Writing the page: JSON that no text inside can break out of, raw blocks, stable ids."""

from __future__ import annotations

from typing import Any, cast

import msgspec
from branca.element import Element, Figure, MacroElement

_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
#: branca compiles what a MacroElement renders as a Jinja template once more, so Jinja's
#: openers in user text would run as template code. In JSON they occur only inside strings.
_JINJA = {"{{": "{\\u007b", "{%": "{\\u0025", "{#": "{\\u0023"}


def script_json(value: Any) -> str:
    """Serialise ``value`` for a ``<script>`` block.

    ``<``, ``>`` and ``&`` are escaped as ``\\u`` sequences, so a field holding
    ``</script>`` cannot end the block, and Jinja's ``{{``, ``{%`` and ``{#`` are
    broken up the same way; the result is still valid JSON.
    """
    text = msgspec.json.encode(value)
    for unsafe, escaped in (*_UNSAFE.items(), *_JINJA.items()):
        text = text.replace(unsafe.encode(), escaped.encode())
    return text.decode()


def number_elements(root: Element) -> None:
    """Give every element under ``root`` an id from its place in the tree.

    branca draws random ids, so each render of the same events wrote a
    different file; numbered ids make the output a function of its input.
    Ids are unique within one page only: call this on the page's root
    (``Figure``) just before rendering it.
    """
    stack = [root]
    number = 0
    while stack:
        element = stack.pop()
        element._id = f"{number:x}"
        number += 1
        stack.extend(reversed(element._children.values()))


def add_json_block(element: MacroElement, data_json: str) -> None:
    """Put ``data_json`` in the page as ``<script type="application/json" id="<name>_data">``.

    The block goes into the page as is, outside Jinja: a MacroElement's own
    output is compiled as a template once more, which costs seconds on
    megabytes of data. Scripts read it with ``JSON.parse(el.textContent)``.
    """
    block_id = f"{element.get_name()}_data"
    block = RawHTML(f'<script type="application/json" id="{block_id}">{data_json}</script>')
    page_of(element).html.add_child(block, name=block_id)


class RawHTML(Element):
    """A piece of trusted HTML (our own assets), emitted as is, without templating."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.html = html

    def render(self, **kwargs: Any) -> str:
        return self.html


def page_of(element: Element) -> Figure:
    """The page an element is drawn on (its root, a :class:`branca.element.Figure`)."""
    return cast(Figure, element.get_root())
