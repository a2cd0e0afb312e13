"""Command bodies without Typer: what a command does once its options are parsed.

``xinfang.cli`` declares each command's options with Typer and calls its body here; the quick path
of ``xinfang.entry`` parses the plain invocations of a few reading commands itself and calls the
same body, so both print the same thing.
"""
