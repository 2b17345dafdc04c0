"""Allow `python -m reportbox`."""

from reportbox.cli import main

if __name__ == "__main__":  # parsing workers import this module again: it must not run the CLI
    main()
