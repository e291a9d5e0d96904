"""The ``linkage`` command line: one module per command, loaded only when it runs."""

from importlib import import_module

import click

from .. import __version__

# command name -> module under linkage.cli defining a click command called `command`
_COMMANDS = {
    "analyze": "analyze",
    "network": "network",
    "regionalize": "regionalize",
    "report": "report",
    "demo": "demo",
    "batch": "batch",
    "impact": "impact",
    "decompose": "decompose",
    "scenario": "scenario",
}


class _LazyGroup(click.Group):
    """Imports a command's module only when that command is run or its help is shown."""

    def list_commands(self, ctx):
        return sorted(_COMMANDS)

    def get_command(self, ctx, name):
        if name not in _COMMANDS:
            return None
        return import_module(f".{_COMMANDS[name]}", __name__).command


@click.group(cls=_LazyGroup)
@click.version_option(__version__, prog_name="linkage")
def main():
    """Input-output and network linkage analysis of industrial centres (sentra).

    Run `linkage demo` to see the whole pipeline on the embedded example data.
    """
