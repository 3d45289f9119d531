"""The `frontdesk` command (and the packaged app's entry): Python's cyclic garbage
collector is off while the program loads and opens its window, then on again.

Starting creates a few hundred thousand long-lived objects (SQLAlchemy, the Qt bindings,
the app's own modules and mappings); the collector would scan them again and again as
they are made, about a tenth of every start. ui.main freezes them once the window is up
(they are never scanned again) and switches the collector back on.
"""

import gc
import sys

gc.disable()

from ui.main import main  # noqa: E402 (after the collector is off: this is the load)

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
