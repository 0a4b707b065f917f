"""Deployment settings: `.streamlit/config.toml` production keys, the upload limit, and the lock file.

The upload limit is stated once, in :data:`analysis.reader.MAX_BYTES`; Streamlit's own limit
(``server.maxUploadSize``, in MiB) must say the same, or the uploader accepts files the reader then refuses
(or refuses files the reader could read).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from analysis import reader

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = (ROOT / "requirements.lock").read_text(encoding="utf-8")


def test_upload_limit_matches_reader() -> None:
    assert reader.MAX_BYTES % 2**20 == 0, "MAX_BYTES must be a whole number of MiB"
    assert CONFIG["server"]["maxUploadSize"] == reader.MAX_BYTES // 2**20


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        ("client", "showErrorDetails", "none"),  # visitors never see a traceback
        ("server", "enableXsrfProtection", True),
        ("server", "address", "127.0.0.1"),  # loopback unless deliberately exposed
        ("browser", "gatherUsageStats", False),
        ("server", "fileWatcherType", "none"),
    ],
)
def test_production_setting(section: str, key: str, value: object) -> None:
    assert CONFIG[section][key] == value


def test_every_key_is_a_streamlit_option() -> None:
    """A misspelt key is ignored by Streamlit without a word; every key must be one it knows."""
    from streamlit.config import get_config_options

    known = set(get_config_options())
    keys = {f"{section}.{key}" for section, values in CONFIG.items() for key in values}
    assert keys - known == set()


def _locked() -> dict[str, Version]:
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", LOCK, flags=re.MULTILINE)
    return {canonicalize_name(name): Version(version) for name, version in pins}


def test_lock_pins_every_declared_dependency_within_its_floor() -> None:
    """requirements.lock is in step with pyproject.toml (run `make lock` after editing the dependencies)."""
    locked = _locked()
    declared = [*PYPROJECT["project"]["dependencies"], *PYPROJECT["project"]["optional-dependencies"]["test"]]
    problems = []
    for text in declared:
        req = Requirement(text)
        version = locked.get(canonicalize_name(req.name))
        if version is None:
            problems.append(f"{req.name} is not in requirements.lock")
        elif not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req.name}=={version} does not satisfy {req.specifier}")
    assert problems == []


def test_lock_has_hashes_for_every_pin() -> None:
    """`pip install --require-hashes` refuses a pin without a hash; catch that here, not at install time."""
    blocks = re.split(r"\n(?=[A-Za-z0-9_.\-]+==)", LOCK)
    unhashed = [b.split()[0] for b in blocks if "==" in b.split("\n")[0] and "--hash=sha256:" not in b]
    assert unhashed == []
