"""The project as a bench run from the repository root (`python bench/<name>.py`) sees it:
importing this module puts the repository on sys.path, and `setup_django` loads the development
settings for the benches that use the ORM."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SETTINGS = "otc.settings.dev"
SERVER_STOP_GRACE = 10.0  # seconds a bench's server has between SIGTERM and SIGKILL
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def setup_django(**environ: str) -> None:
    """Django set up with the development settings; `environ` is set first, for them to read,
    and DATABASE_URL / REDIS_URL, when unset, name the embedded servers (started if needed)."""
    os.environ.update(environ, DJANGO_SETTINGS_MODULE=SETTINGS)
    from otc import localservices

    localservices.export_urls()
    import django

    django.setup()
