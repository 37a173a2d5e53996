"""Test-wide settings: no Beancount pickle cache, project root on sys.path."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
