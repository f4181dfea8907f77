"""xkeys - get X (Twitter) API keys working and keep them working."""

__version__ = "0.1.0"
