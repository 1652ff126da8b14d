"""Build hook: ship the config tree and the scenario library inside the package.

The repository keeps ``conf/`` and ``scenarios/`` at its top level (where users and reviewers
read them); a wheel copies them into ``sim/_data/`` so that an installed ``diplosim`` finds them
from any directory. Everything else about the build is declared in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA = ("conf", "scenarios")  # top-level folders that a wheel carries as sim/_data/<folder>


class BuildWithData(build_py):
    """``build_py`` that also copies the data folders into the built package."""

    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads them from the checkout itself
            return
        root = Path(__file__).resolve().parent
        for name in DATA:
            target = Path(self.build_lib) / "sim" / "_data" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(root / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithData})
