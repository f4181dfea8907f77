"""`python -m xkeys`."""

from xkeys.cli import main

raise SystemExit(main())
