"""Copy the course files into the wheel (see govlib/paths.py, "How the bundle gets into the wheel").

All project metadata is in pyproject.toml; this file only extends setuptools'
``build_py`` so that a built wheel carries ``govlib/_bundle/`` -- a copy of the
files named in ``govlib.paths.BUNDLED`` -- and can run outside the repository.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "_build", ".*")


def _paths_module() -> dict:
    """``BUNDLED`` and ``BUNDLE_DIRNAME`` from govlib/paths.py, read as literals (the package's
    dependencies are not installed at build time, so it is not imported)."""
    tree = ast.parse((HERE / "govlib" / "paths.py").read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("BUNDLED", "BUNDLE_DIRNAME"):
                found[node.targets[0].id] = ast.literal_eval(node.value)
    return found


class BuildPyWithBundle(build_py):
    """``build_py`` that also copies the course files into ``govlib/_bundle``."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        ns = _paths_module()
        dest = Path(self.build_lib) / "govlib" / ns["BUNDLE_DIRNAME"]
        if dest.exists():
            shutil.rmtree(dest)
        for rel in ns["BUNDLED"]:
            src = HERE / rel
            if not src.exists():
                raise FileNotFoundError(f"setup.py: {src} (named in govlib/paths.py BUNDLED) is missing")
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, target, ignore=_IGNORE)
            else:
                shutil.copy2(src, target)


# The course's JupyterLab settings (Chinese interface, lessons open as notebooks, no news pop-up) for
# whatever environment the wheel is installed into: JupyterLab reads every
# <sys.prefix>/share/jupyter/lab/settings/overrides.d/*.json as defaults (a user's own choices in
# Settings still win).  The same file as jupyter/labconfig/default_setting_overrides.json (make lab,
# the hub); tests/test_package.py checks the two agree.
LAB_OVERRIDES = ("share/jupyter/lab/settings/overrides.d", ["jupyter/overrides.d/govlib.json"])

setup(cmdclass={"build_py": BuildPyWithBundle}, data_files=[LAB_OVERRIDES])
