"""The work folders tools leave behind when their worker dies: swept at each processing run, and
by a poll with nothing to process (which does not import the processing stage)."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from parsers.documents.external import TEMP_PREFIX


def sweep_tool_leftovers(older_than: float = 3600.0) -> int:
    """Remove the work folders of tools whose worker died mid-run (a live run is never this old:
    tools are stopped at `documents.tool_timeout`)."""
    removed = 0
    cutoff = time.time() - older_than
    for folder in Path(tempfile.gettempdir()).glob(TEMP_PREFIX + "*"):
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed
