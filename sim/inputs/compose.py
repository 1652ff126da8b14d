"""The one Hydra compose helper: overrides in, a validated read-only config out.

:func:`compose_config` composes ``conf/`` with Hydra (the schemas of :mod:`sim.inputs.schema`
catch unknown keys and wrong types), runs our range checks (:func:`sim.inputs.validate.validate`)
and turns whatever Hydra raises into one :class:`~sim.inputs.errors.ConfigError` line that names
the key and what would be valid (:func:`explain_hydra_error`). Every entry point (command line,
Python API, ``CrisisModel`` keyword use, the app) composes through here.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from typing import Any

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.inputs import params, schema
from sim.inputs.errors import ConfigError
from sim.inputs.posterior import refuse_overridden_posterior_params
from sim.inputs.schema import data_dir
from sim.inputs.validate import validate


def available(group: str) -> list[str]:
    """Names of the config files in a config group (e.g. the policies)."""
    return sorted(p.stem for p in (data_dir("conf") / group).glob("*.yaml"))


def sweeper_params(overrides: list[str]) -> dict[str, str]:
    """``hydra.sweeper.params`` of the config composed from the non-sweep overrides (experiments)."""
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(version_base="1.3", config_dir=str(data_dir("conf")), job_name="diplosim"):
            cfg = compose("config", overrides=overrides, return_hydra_config=True)
    except Exception as exc:
        raise ConfigError(explain_hydra_error(exc, overrides)) from None
    finally:
        GlobalHydra.instance().clear()
    params = OmegaConf.select(cfg, "hydra.sweeper.params")
    return {} if params is None else {str(k): str(v) for k, v in params.items()}


def compose_config(overrides: list[str] | tuple[str, ...] = ()) -> DictConfig:
    """Compose and validate the config from Hydra override strings.

    Args:
        overrides: Hydra overrides, e.g. ``["policy=hotline_off", "run.replicates=5000"]``.

    Returns:
        The composed, validated config (read-only).

    Raises:
        ConfigError: an unknown key, a wrong type, an unknown config name or a value out of range;
            a ``params.NAME=`` override of a parameter the posterior gives, with
            ``run.parameters=posterior`` (it would have no effect).
    """
    overrides = list(overrides)
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(version_base="1.3", config_dir=str(data_dir("conf")), job_name="diplosim"):
            cfg = compose("config", overrides=overrides)
    except Exception as exc:  # Hydra raises many types; each becomes one line naming the key.
        raise ConfigError(explain_hydra_error(exc, overrides)) from None
    finally:
        GlobalHydra.instance().clear()
    try:
        validate(cfg)
    except OmegaConfBaseException as exc:  # e.g. run.days=${run.foo}: an interpolation that cannot resolve
        raise ConfigError(explain_hydra_error(exc, overrides)) from None
    refuse_overridden_posterior_params(cfg, overrides)
    OmegaConf.set_readonly(cfg, True)
    return cfg


def to_container(cfg: DictConfig) -> dict[str, Any]:
    """A plain dict of the config, for JSON metadata."""
    return OmegaConf.to_container(cfg, resolve=True)  # type: ignore[return-value]


_TYPE_WORDS = {"Integer": "a whole number", "Float": "a number", "bool": "true or false", "String": "a string"}


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    while exc is not None and exc not in out:
        out.append(exc)
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return out


def _schema_fields(type_name: str) -> list[str]:
    for mod in (schema, params):
        cls = getattr(mod, type_name, None)
        if cls is not None and is_dataclass(cls):
            return [f.name for f in fields(cls)]
    return []


def _override_for(key: str, overrides: list[str]) -> str | None:
    for ov in overrides:
        if ov.lstrip("+~").split("=", 1)[0] == key:
            return ov
    return None


def explain_hydra_error(exc: BaseException, overrides: list[str]) -> str:
    """Turn an exception raised by Hydra's compose into one line naming the key.

    Args:
        exc: The exception raised by ``hydra.compose``.
        overrides: The overrides that were being composed.

    Returns:
        A one-line message for the user.
    """
    chain = _chain(exc)
    for e in chain:
        name = type(e).__name__
        text = str(e)
        full_key = getattr(e, "full_key", None)
        if "is not a subclass of ThirdPartyOverride" in text:
            ov = next((o for o in overrides if o.startswith("+policy.third_parties.")), "+policy.third_parties")
            key = ".".join(ov.lstrip("+").split("=")[0].split(".")[:3])
            return (f"{key}: an actor cannot be added to a policy from the command line; list it under "
                    f"third_parties in its conf/policy/ file")
        if name == "MissingConfigException":
            m = re.search(r"Could not find '([^/']+)/([^']+)'", text)
            if m:
                group, value = m.groups()
                options = [o.strip() for o in re.findall(r"^\t(\S+)$", text, flags=re.M)]
                options = [o for o in options if not o.endswith("_schema")]
                return f"{group}={value}: no such {group} (available: {', '.join(options) or 'none'})"
        if text.startswith("Ambiguous value for argument"):
            m = re.search(r"argument '([^']*)'", text)
            bad = m.group(1) if m else text.splitlines()[0]
            return (f"{bad}: several values make a sweep: add -m (diplosim -m {bad} ...); "
                    f"for a list write [a,b], for a string with commas quote it")
        if name == "OverrideParseException":
            m = re.search(r"Error parsing override '([^']*)'", text)
            bad = m.group(1) if m else text.splitlines()[0]
            return f"cannot read the override '{bad}': write KEY=VALUE, e.g. run.replicates=5000"
        if full_key and name in ("ConfigAttributeError", "ConfigKeyError"):
            ref = getattr(e, "ref_type", None) or getattr(e, "object_type", None)
            ref_name = getattr(ref, "__name__", str(ref))
            if "not in struct" in text and "Dict" in str(getattr(e, "ref_type", "")):
                return (f"{full_key}: no such entry in this policy; list the actor under "
                        f"third_parties in its conf/policy/ file to set it")
            valid = _schema_fields(ref_name)
            hint = f" (valid keys: {', '.join(valid)})" if valid else ""
            return f"{full_key}: unknown key{hint}"
        if full_key and name == "ValidationError":
            first = text.splitlines()[0]
            m = re.search(r"converted to (\w+)|not a valid (\w+)", first)
            want = _TYPE_WORDS.get(next((g for g in (m.groups() if m else ()) if g), ""), None)
            ov = _override_for(str(full_key), overrides)
            shown = ov.lstrip("+") if ov else str(full_key)
            return f"{shown}: wrong type, must be {want}" if want else f"{shown}: {first}"
    for e in chain:  # e.g. an interpolation that cannot be resolved: name the key it sits in
        full_key = getattr(e, "full_key", None)
        if full_key and "Interpolation" in type(e).__name__:
            return f"{full_key}: {str(e).splitlines()[0]}"
    first = next((ln for ln in str(exc).splitlines() if ln.strip()), type(exc).__name__)
    return first

