"""Loading a command's modules without the cyclic garbage collector watching.

Importing what a command uses (SQLAlchemy, pydantic, the schema's and the configuration's classes)
allocates a few hundred thousand objects, none of them garbage: the collector would run some two
hundred times over them for nothing, about a quarter of the CPU time of `reportbox status` (measured
with bench/startup.py). So it is paused while they load, and what they made is then moved out of its
sight for good (`gc.freeze`: modules, classes and functions live as long as the process anyway), or
its next full collection would walk them all once more. Everything allocated after runs as usual.

Freezing also pins whatever cyclic garbage is waiting at that moment, for the process's life. A
command runs once per process, but a process that loads several (tests through click's CliRunner, a
script) would pin the garbage of each run between: so the first load freezes and later ones only
pause the collector.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_frozen = False  # this process has frozen once: never again (see the module's docstring)


@contextmanager
def uncollected_imports() -> Iterator[None]:
    global _frozen
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not _frozen:
            _frozen = True
            gc.freeze()
        if was_enabled:  # nested, or a caller that keeps the collector off: leave it as found
            gc.enable()
