"""Reading the error summary out of a page (tests of issue 11, item 7)."""

import html as html_lib
import re


def summary_of(page: str) -> dict:
    """The error summary of a page: its heading, its items as (anchor, text), its focus attributes."""
    box = re.search(r'<div class="alert alert-danger error-summary"([^>]*)>(.*?)</div>', page, re.S)
    assert box, "no error summary on the page"
    attrs, body = box.groups()
    items = []
    for item in re.findall(r"<li>(.*?)</li>", body, re.S):
        link = re.match(r'<a href="#([^"]+)">(.*)</a>$', item, re.S)
        anchor, text = (link.group(1), link.group(2)) if link else ("", item)
        items.append((anchor, html_lib.unescape(text)))
    return {
        "heading": html_lib.unescape(re.search(r"<h2[^>]*>(.*?)</h2>", body, re.S).group(1)),
        "items": items,
        "autofocus": "autofocus" in attrs and 'tabindex="-1"' in attrs and 'role="alert"' in attrs,
    }
