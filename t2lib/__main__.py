"""``python -m t2lib``: build the book, run a chapter with parameters, list parameters, clean notebooks."""
import sys

from .book import main

sys.exit(main())
