"""Every message the code and templates ask for is in the Dutch catalogue, translated, not fuzzy, with the
same placeholders; message ids are English (the English pages use them as they are)."""
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _extracted() -> set:
    method_map = [("app/**.py", "python"), ("reports/**.py", "python"), ("app/templates/**.html", "jinja2")]
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map=method_map,
                                                keywords={"_": None, "gettext": None, "ngettext": (1, 2),
                                                          "lazy_gettext": None, "_l": None, "pgettext": ((1, "c"), 2)},
                                                directory_filter=lambda d: Path(d).name not in
                                                {".venv", "tests", "bench", "migrations", ".git"}):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_every_message_is_translated_into_dutch():
    with open(ROOT / "translations/nl/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = read_po(fh, locale="nl")
    problems = []
    for message in sorted(_extracted(), key=str):
        key = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(key)
        if entry is None:
            problems.append(f"missing from nl catalogue: {key!r}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings) or entry.fuzzy:
            problems.append(f"untranslated or fuzzy: {key!r}")
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(message if isinstance(message, tuple) else [message])))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) - wanted - {"num"}:
                problems.append(f"placeholders differ: {key!r} -> {text!r}")
    assert not problems, "\n".join(problems)
