"""``python -m core`` runs the ementoring command line."""

from core.cli import main

main()
