"""Every management command of the project explains itself with --help."""

import pytest
from django.core.management import get_commands, load_command_class

OWN = sorted(name for name, app in get_commands().items() if app.startswith("tryghed."))


def test_the_project_has_commands():
    assert {"import_incidents", "import_statistics", "sweep"} <= set(OWN)


@pytest.mark.parametrize("name", OWN)
def test_help(name, capsys):
    command = load_command_class(get_commands()[name], name)
    with pytest.raises(SystemExit) as exit:
        command.run_from_argv(["manage.py", name, "--help"])
    assert exit.value.code == 0
    assert capsys.readouterr().out.startswith("usage:")
