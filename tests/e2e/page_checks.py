"""What no page of ZeroOttanta may show a person, checked on every page a browser test visits:
a raw "None", a UTC offset or an ISO time, English words of Wagtail's or Django's defaults."""

import re

# Words that appear only when a label, a message or a title was left in English.
ENGLISH_WORDS = (
    "None",
    "Created at",
    "Updated at",
    "Decided at",
    "Pathway",
    "Edition",
    "View latest version",
    "Snippets",
    "Dashboard",
    "Wagtail",
    "created",
    "updated",
    "Sheet1",
)
_UTC = re.compile(r"\+00:00|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}|UTC")


def problems(text, *, title=""):
    found = []
    for word in ENGLISH_WORDS:
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) or word in title:
            found.append(word)
    if _UTC.search(text):
        found.append(f"UTC/ISO time: {_UTC.search(text).group(0)}")
    return found


def assert_clean_page(page):
    """Fail when the visible page says "None", shows a UTC time or English defaults."""
    text = page.locator("body").inner_text()
    title = page.title()
    found = problems(text, title=title)
    assert not found, f"{page.url}: {found} (title {title!r})"
