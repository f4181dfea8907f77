"""The screens of the xkeys TUI (home, onboarding wizard, troubleshoot)."""
