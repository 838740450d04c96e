"""`python bench/risk.py`: what the synchronous risk rules add to placing an order. The bench
itself is `risk_rules.py`; this name is kept short for `make bench`. (Type checking skips this
file: as a top-level module its name would shadow the `risk` app.)"""

from __future__ import annotations

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).with_name("risk_rules.py")), run_name="__main__")
