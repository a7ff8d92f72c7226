"""The one text renderer: markdown in, sanitised HTML out."""

from core.text import quote, render_markdown


def test_ordinary_markdown_survives():
    html = render_markdown("# Title\n\n**bold** and *it*\n\n- one\n- two\n\n"
                           "[site](https://example.org) `code`\n\n> quoted")
    for piece in ("<h1>Title</h1>", "<strong>bold</strong>", "<em>it</em>", "<li>one</li>",
                  'href="https://example.org"', "<code>code</code>", "<blockquote>"):
        assert piece in html


def test_links_get_rel_nofollow_noopener():
    html = render_markdown("[x](https://example.org)")
    assert 'rel="nofollow noopener noreferrer"' in html


def test_script_tags_are_removed():
    html = render_markdown("hi <script>alert(1)</script> there")
    assert "<script" not in html and "alert(1)" not in html.replace("&gt;", "")


def test_event_handler_attributes_are_removed():
    html = render_markdown('<img src="https://example.org/a.png" onerror="alert(1)">'
                           '<a href="https://example.org" onclick="x()">a</a>')
    assert "onerror" not in html and "onclick" not in html
    assert 'src="https://example.org/a.png"' in html


def test_javascript_and_data_links_are_removed():
    for src in ("[x](javascript:alert(1))", '<a href="javascript:alert(1)">x</a>',
                '<a href="JaVaScRiPt:alert(1)">x</a>', "[x](data:text/html;base64,PHNjcmlwdD4=)",
                '<img src="data:image/svg+xml;base64,PHN2Zz4=">'):
        html = render_markdown(src).lower()
        assert "javascript:" not in html and "data:" not in html, src


def test_only_http_https_mailto_links_survive():
    html = render_markdown("[a](mailto:a@example.org) [b](ftp://example.org/f) [c](http://e.org)")
    assert "mailto:a@example.org" in html and "ftp:" not in html and "http://e.org" in html


def test_style_iframe_and_form_are_removed():
    html = render_markdown('<iframe src="https://e.org"></iframe><style>p{}</style>'
                           '<form action="/x"><input></form><p style="color:red">t</p>')
    for bad in ("<iframe", "<style", "<form", "<input", "style="):
        assert bad not in html


def test_empty_source_renders_empty():
    assert render_markdown("") == "" and render_markdown(None) == ""


def test_quote_prefixes_every_line():
    assert quote("one\ntwo", "Ana") == "> **Ana:**\n> one\n> two\n\n"
