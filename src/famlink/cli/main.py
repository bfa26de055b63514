"""The famlink command line: one module per command group."""

from __future__ import annotations

import typer

from famlink.cli import (
    address_cmds,
    alert_cmds,
    data_cmds,
    link_cmds,
    outcomes_cmds,
    project_cmds,
    run_cmds,
    synth_cmds,
    view_cmds,
    web_cmds,
)

app = typer.Typer(
    name="famlink", no_args_is_help=True, add_completion=False,
    help="famlink: one trusted view of every resident and family, from a council's data feeds.")

for module in (synth_cmds, project_cmds, run_cmds, data_cmds, link_cmds, address_cmds, view_cmds,
               outcomes_cmds, alert_cmds, web_cmds):
    module.register(app)


if __name__ == "__main__":
    app()
