"""One module per CLI command: `configure(parser)` adds options, `run(args) -> int` runs it."""
