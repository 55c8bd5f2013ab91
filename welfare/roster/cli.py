from flask.cli import AppGroup

roster_cli = AppGroup("roster", help="Roster import and maintenance.")
