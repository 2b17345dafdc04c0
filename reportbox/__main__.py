"""Allow `python -m reportbox`."""

from reportbox.cli import main

main()
