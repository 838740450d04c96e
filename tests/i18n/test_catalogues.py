"""The catalogues are complete, reviewed, compiled and current: a string wrapped in the code is
in both Chinese catalogues, translated, not left fuzzy, and in the compiled file the server
reads."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from otc.devrun import MAKEMESSAGES

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["zh_Hans", "zh_Hant"]
COPIED_FOR_EXTRACTION = (".venv", ".local", ".git", "node_modules", "tests", "bench", "static")


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _translations(entry: polib.POEntry | polib.MOEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_reviewed(language: str) -> None:
    catalogue = _catalogue(language)
    untranslated = [entry.msgid for entry in catalogue if not all(_translations(entry))]
    fuzzy = [entry.msgid for entry in catalogue if "fuzzy" in entry.flags]
    assert len(catalogue) > 0
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_its_placeholders(language: str) -> None:
    """A translation that drops or renames %(name)s or {name} fails when rendered."""
    broken = [
        entry.msgid
        for entry in _catalogue(language)
        if "python-format" in entry.flags
        and any(
            _placeholders(text) != _placeholders(entry.msgid)
            for text in _translations(entry)
            if text
        )
    ]
    assert broken == []


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)[sd]", text)) | set(re.findall(r"\{(\w+)\}", text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_source(language: str) -> None:
    source = {
        _key(entry): _translations(entry)
        for entry in _catalogue(language)
        if not entry.obsolete and "fuzzy" not in entry.flags and all(_translations(entry))
    }
    compiled_path = ROOT / "locale" / language / "LC_MESSAGES" / "django.mo"
    compiled = {_key(entry): _translations(entry) for entry in polib.mofile(str(compiled_path))}
    compiled.pop(("", "", ""), None)  # the header
    assert compiled == source, "Run `make messages` to compile the catalogues."


def test_the_catalogues_hold_every_wrapped_string(tmp_path: Path) -> None:
    """Extract the strings again from a copy of the source and compare with what is kept."""
    if shutil.which("xgettext") is None:
        pytest.skip("NOT CHECKED: xgettext (Debian's gettext) is not installed")
    copy = tmp_path / "source"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*COPIED_FOR_EXTRACTION))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "otc.settings.test"}
    extracted = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES, "--no-obsolete"],
        cwd=copy,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    assert extracted.returncode == 0, extracted.stderr[-2000:]
    for language in LANGUAGES:
        kept = {_key(entry) for entry in _catalogue(language) if not entry.obsolete}
        fresh_path = copy / "locale" / language / "LC_MESSAGES" / "django.po"
        fresh = {_key(entry) for entry in polib.pofile(str(fresh_path)) if not entry.obsolete}
        missing = sorted(fresh - kept)
        stale = sorted(kept - fresh)
        assert missing == [], f"Run `make messages`: {language} lacks {missing[:5]}"
        assert stale == [], f"Run `make messages`: {language} keeps unused {stale[:5]}"
