"""Command groups of the `channelhub` command line, one module per concern."""
