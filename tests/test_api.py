"""The lazily imported public API: every advertised name resolves, nothing else does."""

import importlib
import importlib.util

import pytest

import linkage


@pytest.mark.parametrize("name", sorted(linkage._API))
def test_every_public_name_resolves_to_its_module(name):
    value = getattr(linkage, name)
    module = importlib.import_module(f"linkage.{linkage._API[name]}")
    assert value is getattr(module, name)
    assert name in dir(linkage)


@pytest.mark.parametrize("name", sorted(linkage._API))
def test_no_module_shadows_a_public_name(name):
    # importing a submodule sets it as an attribute of the package: a module named like a
    # public function would replace the function after `import linkage.<name>`
    assert importlib.util.find_spec(f"linkage.{name}") is None


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Leontief'"):
        linkage.Leontief  # noqa: B018


def test_import_stays_light():
    # the graph libraries load only when a network function is used
    code = (
        "import sys, linkage; "
        "print(any(m in sys.modules for m in ('igraph', 'networkx', 'pyvis', 'scipy')))"
    )
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
