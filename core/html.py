"""HTML written by staff (a message's e-mail body), made safe to keep and to send: nh3
(the ammonia sanitiser) keeps the usual formatting tags and links, drops scripts, styles,
event attributes and javascript: addresses."""

import nh3

# Direction and alignment matter for Arabic text; nothing else beyond nh3's defaults.
EXTRA_ATTRIBUTES = {"*": {"dir", "lang"}, "p": {"align"}, "div": {"align"}, "td": {"align"}}


def clean_html(html: str) -> str:
    if not html:
        return ""
    attributes = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
    for tag, names in EXTRA_ATTRIBUTES.items():
        attributes[tag] = attributes.get(tag, set()) | names
    return nh3.clean(html, attributes=attributes, url_schemes={"http", "https", "mailto", "tel"})
