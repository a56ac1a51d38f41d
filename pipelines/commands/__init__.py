"""Subcommands of `outcomes`, one module each."""
