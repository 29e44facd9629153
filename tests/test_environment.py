"""environment.yml and pyproject.toml name the same dependencies; the README's commands exist."""

from __future__ import annotations

import re
import tomllib

import yaml

from govlib import paths


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(d) for d in project["dependencies"]}
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = set(), set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip |= {_name(d) for d in dep["pip"] if not d.startswith("-e")}
        else:
            conda.add(_name(dep))
    conda -= {"python", "pip"}
    assert "conda-forge" in env["channels"]
    assert conda | pip == wanted, (sorted(wanted - (conda | pip)), sorted((conda | pip) - wanted))
    assert not conda & pip


def test_constraints_pin_every_dependency():
    pins = {}
    for line in (paths.ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, ver = line.partition("==")
            pins[name.lower().replace("_", "-")] = ver
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for dep in project["dependencies"] + project["optional-dependencies"]["test"]:
        assert _name(dep) in pins, f"{_name(dep)} is not pinned in constraints.txt"


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    assert "make course" in readme and "make test" in readme
    ci = (paths.ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)


def test_import_govlib_is_light():
    import subprocess
    import sys

    code = ("import sys, govlib; heavy = [m for m in ('pandas', 'seaborn', 'statsmodels', 'matplotlib') "
            "if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
