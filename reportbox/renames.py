"""The operator's renames (`[registry] names`): a CSV of dated unit names taken into the built-in
registries when the program starts, so that a province renamed after this release (tỉnh → thành
phố) shows its new name with its code and history unchanged, without a code change."""

from __future__ import annotations

from parsers.registry.units import Rename, check_operator_names, read_renames, use_operator_names
from reportbox.errors import ConfigError


def read_operator_renames(config) -> tuple[Rename, ...]:
    """The renames of `registry.names` (none: ()), checked as use_operator_names checks them but not
    yet in force: ConfigError naming the file and line, and the config file that names it."""
    path = config.registry.names
    if path is None:
        return ()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"{config.path}: registry.names: cannot read {path}: {exc.strerror}") from exc
    try:
        renames = read_renames(text)
        check_operator_names(renames)
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc} (the file registry.names of {config.path})") from exc
    return renames


def apply_operator_renames(config) -> None:
    """Read `registry.names` (none: the built-in names alone) and put its renames in force."""
    use_operator_names(read_operator_renames(config))
