"""Install the addon into the ``odoo.addons`` namespace.

``pip install -e .`` makes ``import odoo.addons.customer_complaint_return``
work in the Python that already has Odoo 19.0; ``pip install -e '.[test]'``
adds the test runner.
"""
import os

from setuptools import setup

ADDON = "customer_complaint_return"
HERE = os.path.dirname(os.path.abspath(__file__))


def addon_packages():
    """Every Python package of the addon, named inside ``odoo.addons``."""
    packages = []
    for folder, _dirs, files in os.walk(os.path.join(HERE, ADDON)):
        if "__init__.py" in files:
            relative = os.path.relpath(folder, HERE).replace(os.sep, ".")
            packages.append("odoo.addons." + relative)
    return sorted(packages)


def addon_data_files():
    """Data files (XML, CSV, PO, images...) shipped beside the Python code, and the
    scripts of folders that are not packages (``migrations/<version>/*.py``)."""
    found = []
    root = os.path.join(HERE, ADDON)
    for folder, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if name != "__pycache__"]
        is_package = "__init__.py" in files
        for name in files:
            if name.endswith(".pyc") or (is_package and name.endswith(".py")):
                continue
            found.append(os.path.relpath(os.path.join(folder, name), root))
    return found


setup(
    name="odoo-addon-customer_complaint_return",
    version="19.0.1.1.0",
    description="Customer complaints and returns for Odoo 19",
    long_description=open(os.path.join(HERE, "README.md"), encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="LGPL-3",
    python_requires=">=3.10",
    install_requires=["odoo>=19.0,<19.1"],
    extras_require={"test": ["pytest", "pytest-odoo", "websocket-client"]},
    package_dir={"odoo.addons." + ADDON: ADDON},
    packages=addon_packages(),
    package_data={"odoo.addons." + ADDON: addon_data_files()},
    classifiers=[
        "Framework :: Odoo",
        "Framework :: Odoo :: 19.0",
        "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)",
        "Programming Language :: Python :: 3",
    ],
)
