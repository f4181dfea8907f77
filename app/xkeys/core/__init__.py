"""Pure logic of xkeys. Nothing in this package may import Textual (a test enforces it)."""
