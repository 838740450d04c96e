"""For mypy's Django plugin only ([tool.django-stubs] in pyproject.toml): the test settings,
with placeholder addresses where DATABASE_URL / REDIS_URL are unset. Type checking loads the
settings but connects to nothing, so it needs no server, embedded or not."""

import os

os.environ.setdefault("DATABASE_URL", "postgresql://typecheck@127.0.0.1:9/typecheck")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:9/0")

from .test import *  # noqa: F403
