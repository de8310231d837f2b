from nashalign.cli import entry

entry()
