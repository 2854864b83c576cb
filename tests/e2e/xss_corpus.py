"""Hostile text for the XSS browser tests (tests/e2e/test_xss.py).

Every payload is one escaping or injection technique. If it ever ran as script it would call the
sentinel `__xss(<number>)`, which the tests define in the page before anything else loads, so a
payload that executes names itself. Payloads that cannot call anything when they "work" (server
template syntax, `{{7*7}}`) are caught instead by the tests' check that the text is shown
literally.

Every payload fits in 60 characters, the shortest free-text field it goes into (a pupil's display
name), and has no leading, trailing or doubled spaces, which forms normalise away. A raw NUL
byte cannot reach a page at all (Django's form fields refuse it and PostgreSQL cannot store it),
so the null-byte tricks are written in the encoded forms that can.
"""

from dataclasses import dataclass
from itertools import cycle, islice

SHORTEST_FIELD = 60


@dataclass(frozen=True)
class Payload:
    number: int
    name: str
    text: str

    def __str__(self):
        return self.text


_RAW = [
    ("script-tag", "<script>__xss(1)</script>"),
    ("img-onerror", "<img src=x onerror=__xss(2)>"),
    ("svg-onload", "<svg onload=__xss(3)>"),
    ("body-onload", "<body onload=__xss(4)>"),
    ("details-ontoggle", "<details open ontoggle=__xss(5)>"),
    ("double-quote-breakout", '"><img src=x onerror=__xss(6)>'),
    ("single-quote-breakout", "'><img src=x onerror=__xss(7)>"),
    ("backtick-breakout", "`><svg onload=__xss(8)>"),
    ("attribute-injection", '" autofocus onfocus="__xss(9)" x="'),
    ("javascript-url", "javascript:__xss(10)"),
    ("javascript-url-entity-tab", "java&#x09;script:__xss(11)"),
    ("data-url", "data:text/html,<script>__xss(12)</script>"),
    ("svg-script", "<svg><script>__xss(13)</script></svg>"),
    ("iframe-srcdoc", '<iframe srcdoc="<script>parent.__xss(14)</script>">'),
    ("entity-encoded-tag", "&lt;img src=x onerror=__xss(15)&gt;"),
    ("numeric-entity-tag", "&#60;script&#62;__xss(16)&#60;/script&#62;"),
    ("url-encoded-tag", "%3Cscript%3E__xss(17)%3C/script%3E"),
    ("js-unicode-escaped-tag", "\\u003cscript\\u003e__xss(18)\\u003c/script\\u003e"),
    ("mixed-case-tag", "<ScRiPt>__xss(19)</sCrIpT>"),
    ("null-byte-url-encoded", "<scr%00ipt>__xss(20)</scr%00ipt>"),
    ("null-byte-entity", "<img src=x o&#0;nerror=__xss(21)>"),
    ("style-expression", '<p style="width:expression(__xss(22))">x</p>'),
    ("style-import", "<style>@import'javascript:__xss(23)';</style>"),
    ("meta-refresh", '<meta http-equiv=refresh content="0;javascript:__xss(24)">'),
    ("django-template", "{{7*7}}{% debug %}{{request.user}}"),
    ("jinja-template", "{{''.__class__.__mro__}}{%raw%}"),
    ("js-template-literal", "${__xss(27)}#{7*7}"),
    ("alpine-x-data", '<div x-data x-init="__xss(28)">a</div>'),
    ("vue-angular-expression", "{{constructor.constructor('__xss(29)')()}}"),
    ("htmx-hx-get", "<a hx-get=/learn/?__xss=30 hx-trigger=load>"),
    ("htmx-hx-on", '<b hx-on:htmx:load="__xss(31)">b</b>'),
    ("json-script-breakout", "</script><script>__xss(32)</script>"),
    ("json-string-breakout", '"}]</script><svg onload=__xss(33)>'),
    ("markdown-link", "[click me](javascript:__xss(34))"),
    ("markdown-image", '![x](x" onerror="__xss(35))'),
    ("markdown-bold-tag", "**<img src=x onerror=__xss(36)>**"),
    ("comment-breakout", "--><svg onload=__xss(37)>"),
    ("textarea-title-breakout", "</textarea></title><svg onload=__xss(38)>"),
    ("href-entity-javascript", '<a href="&#106;avascript:__xss(39)">x</a>'),
    ("svg-animate", "<svg><animate onbegin=__xss(40) attributeName=x>"),
    ("formaction", "<form><button formaction=javascript:__xss(41)>x"),
    ("object-data", '<object data="javascript:__xss(42)">'),
    ("base-href", '<base href="javascript:__xss(43)//">'),
    ("fullwidth-brackets", "\uff1cscript\uff1e__xss(44)\uff1c/script\uff1e"),
    ("polyglot", "jaVasCript:/*-/*`/*'/*\"/**/(__xss(45))//"),
]

PAYLOADS = tuple(Payload(number, name, text) for number, (name, text) in enumerate(_RAW, start=1))
NAMES = {payload.number: payload.name for payload in PAYLOADS}


def payloads(count: int, *, start: int = 0) -> list[Payload]:
    """`count` payloads from the corpus, beginning at `start`, going round again if needed."""
    return list(islice(cycle(PAYLOADS), start, start + count))


def all_in_one(separator: str = "\n") -> str:
    """Every payload in one text, for long free-text fields (one technique per line)."""
    return separator.join(payload.text for payload in PAYLOADS)


# Runs first in every frame of the "sentinel" browser context: records any payload that runs.
SENTINEL_JS = """
window.__xssFired = [];
window.__xss = (id) => { window.__xssFired.push(String(id)); };
"""

# Markup a payload would have created had it been parsed as HTML instead of shown as text:
# executable attributes and URLs carrying the sentinel, and script or style elements that call
# it. JSON data blocks (json_script) legitimately carry escaped copies of the text, so only
# executable script types count. Catches what the sentinel cannot (a link nobody clicked).
INJECTED_MARKUP_JS = r"""
() => {
  const urlAttributes = new Set(["href", "src", "srcdoc", "action", "formaction", "data",
    "style", "content", "xlink:href"]);
  const executable = (node) => !node.type || /javascript|module/i.test(node.type);
  const found = [];
  for (const node of document.querySelectorAll("*")) {
    const tag = node.tagName.toLowerCase();
    if ((tag === "script" && executable(node)) || tag === "style") {
      if (node.textContent.includes("__xss")) found.push(`<${tag}> calling the sentinel`);
    }
    for (const attribute of node.attributes) {
      const name = attribute.name.toLowerCase();
      const active = /^(on|x-|hx-|v-|@|:)/.test(name) || urlAttributes.has(name);
      if (active && attribute.value.includes("__xss")) {
        found.push(`<${tag} ${name}="${attribute.value}">`);
      }
    }
  }
  return found;
}
"""

# Text a user can read on the page: text nodes outside scripts and styles, plus the values of
# form fields (an edit form shows the text it saved in its inputs).
SHOWN_TEXT_JS = r"""
() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent && !parent.closest("script, style, template, noscript")) {
      parts.push(walker.currentNode.nodeValue);
    }
  }
  for (const field of document.querySelectorAll("input, textarea, select option")) {
    parts.push(field.value);
  }
  return parts.join("\n");
}
"""
