"""``python -m psp_sandbox.simulator.cli``."""

from . import main

main()
