"""Reusable widgets: they render core results, they hold no knowledge about X."""
