"""Only the package list lives here (everything else is in pyproject.toml): pyproject's
``packages.find`` cannot add ``api.frontend``, the front end mapped from ``frontend/``."""

from setuptools import find_namespace_packages, setup

setup(packages=[*find_namespace_packages(include=["api*", "schema*", "seeds*"]), "api.frontend"])
