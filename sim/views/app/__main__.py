"""``python -m sim.views.app``: the ``diplosim-app`` command without its console script."""

import sys

from sim.views.app.page import main

sys.exit(main())
