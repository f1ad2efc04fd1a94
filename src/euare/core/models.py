"""botocore's service data, restricted to what euare uses and kept parsed between runs.

botocore's own loader scans every service directory it ships (over 400) to learn which
services exist, and parses megabytes of JSON (all of endpoints.json, the IAM model) at every
start. euare talks to IAM and STS only (and Organizations, to list the accounts of --org), so its
loader (a botocore ``Loader``, registered as the session's ``data_loader`` component, botocore's
public extension point) knows those, trims endpoints.json to them, and keeps what it parsed
in one file under the user's cache directory:
``$XDG_CACHE_HOME/euare`` (else ``~/.cache/euare``), keyed by botocore's installation (the file
that holds its version, as it stands), the data search path and the Python that wrote it.
:func:`service_model` reads a service's model from there without importing botocore, for the
judging of what the user typed before any request.

The cache is marshal data (loading it cannot run code, unlike pickle) behind a SHA-256 digest,
and it is trusted only when the file and its directory belong to the user and no one else can
write to them: a corrupt, truncated, foreign-owned or group-writable cache is ignored (and a
corrupt one of the user's own rewritten). ``EUARE_MODEL_CACHE=0`` turns it off. Every entry
also records the size and modification time of the file it came from, so that a model file
changed in place (an upgrade that kept the version, a user's ``~/.aws/models``) is read again.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from euare.core.dirs import cache_dir, owned, safe_dir

SERVICES = ("iam", "sts", "organizations")  # organizations: only --org lists accounts
MAGIC = b"euare-models 1\n"


def _plain(value: Any, drop: str | None = None) -> Any:
    """``value`` with every OrderedDict made a dict (marshal takes exact builtin types only),
    leaving out every member named ``drop``."""
    if isinstance(value, dict):
        return {k: _plain(v, drop) for k, v in value.items() if k != drop}
    if isinstance(value, list):
        return [_plain(v, drop) for v in value]
    return value


def _trim_endpoints(data: Any) -> Any:
    """endpoints.json with each partition's services cut down to the ones euare calls."""
    for partition in data.get("partitions", []):
        services = partition.get("services", {})
        partition["services"] = {k: v for k, v in services.items() if k in SERVICES}
    return data


def _stamp(path: str | None) -> tuple[int, int] | None:
    if path is None:
        return None
    for candidate in (path, path + ".json", path + ".json.gz"):
        try:
            info = os.stat(candidate)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            return (info.st_size, info.st_mtime_ns)
    return None


class ModelCache:
    """The parsed data of one botocore installation and search path, in one file."""

    def __init__(self, directory: Path, key: tuple[Any, ...]) -> None:
        self.directory = directory
        self.key = key
        digest = hashlib.sha256(repr(key).encode()).hexdigest()[:16]
        self.path = directory / f"models-{digest}.marshal"
        self.entries: dict[str, Any] = {}
        self.usable = True  # False once the file or its directory is found to be untrustworthy
        self.seen: tuple[Any, ...] | None = None  # the file and its directory when last read

    def _now(self) -> tuple[Any, ...]:
        """What the file and its directory are now, as far as :meth:`load` can tell."""
        trusted = (safe_dir(str(self.directory)), self.directory.exists())
        try:
            info = os.lstat(self.path)
        except OSError as exc:
            return (*trusted, exc.errno)
        file = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_uid, info.st_mode)
        return (*trusted, *file)

    def unchanged(self) -> bool:
        """Whether the file and its directory are as they were when this cache read them."""
        return self.seen is not None and self.seen == self._now()

    def load(self) -> None:
        """Read the file, if it exists and is trustworthy; anything else leaves it empty."""
        self.seen = self._now()
        if not safe_dir(str(self.directory)):
            self.usable = self.directory.exists() is False
            return
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or not owned(info):
                self.usable = False  # someone else's file: neither read nor replaced
                return
            blob = handle.read()
        entries = self._decode(blob)
        if entries is not None:
            self.entries = entries

    def _decode(self, blob: bytes) -> dict[str, Any] | None:
        if not blob.startswith(MAGIC):
            return None
        digest, payload = blob[len(MAGIC) : len(MAGIC) + 32], blob[len(MAGIC) + 32 :]
        if hashlib.sha256(payload).digest() != digest:
            return None
        try:
            content = marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            return None
        if not isinstance(content, dict) or content.get("key") != list(self.key):
            return None
        entries = content.get("entries")
        return entries if isinstance(entries, dict) else None

    def get(self, name: str) -> tuple[Any, str | None] | None:
        """The (data, path) kept for ``name``, if the file it came from has not changed."""
        entry = self.entries.get(name)
        if not isinstance(entry, list) or len(entry) != 3:
            return None
        data, path, stamp = entry
        if stamp != (list(s) if (s := _stamp(path)) else None):
            return None
        return data, path

    def put(self, name: str, data: Any, path: str | None) -> None:
        """Keep ``data`` (from ``path``) and write the file again, atomically, 0600."""
        if not self.usable:
            return
        stamp = _stamp(path)
        self.entries[name] = [data, path, list(stamp) if stamp else None]
        try:
            payload = marshal.dumps({"key": list(self.key), "entries": self.entries})
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not safe_dir(str(self.directory)):
                self.usable = False
                return
            import tempfile

            fd, temp = tempfile.mkstemp(dir=self.directory, prefix=".models-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(MAGIC + hashlib.sha256(payload).digest() + payload)
                os.replace(temp, self.path)
            except BaseException:
                os.unlink(temp)
                raise
        except (OSError, ValueError):
            self.usable = False  # a read-only home, a full disk: euare works without it


def _concerns_us(event: str) -> bool:
    """Whether a botocore event name can fire for a client of one of :data:`SERVICES`."""
    parts = event.split(".")
    return len(parts) < 2 or parts[1] in ("*", *SERVICES)


def register_builtin_handlers(session: Any) -> None:
    """Register on ``session`` (made with ``include_builtin_handlers=False``) the handlers
    botocore would, less the hundred that concern other services (S3, EC2, RDS...)."""
    from botocore import handlers

    events = session.get_component("event_emitter")
    for event, handler, *how in handlers.BUILTIN_HANDLERS:
        if not _concerns_us(event):
            continue
        if not how:
            events.register(event, handler)
        elif how[0] is handlers.REGISTER_FIRST:
            events.register_first(event, handler)
        elif how[0] is handlers.REGISTER_LAST:
            events.register_last(event, handler)


_warm: dict[tuple[Any, ...], Any] = {}  # loaders a worker filled before forking, by key
_opened: dict[Path, ModelCache] = {}  # the cache files this process has read, by path


def _botocore_root() -> str:
    """botocore's package directory (its BOTOCORE_ROOT), found without importing it."""
    import importlib.util

    spec = importlib.util.find_spec("botocore")
    if spec is None or spec.origin is None:
        raise ImportError("botocore is not installed")
    return os.path.dirname(os.path.abspath(spec.origin))


def _search(data_path: str | None, environ: Mapping[str, str]) -> tuple[list[str], tuple[Any, ...]]:
    """The loader's search path for ``data_path`` (``AWS_DATA_PATH``), and the key of its cache:
    botocore's installation (the size and time of the file that holds its version: a new
    version rewrites it), the directories searched that exist, the Python that writes it."""
    home = environ.get("HOME") or os.path.expanduser("~")
    extra = [os.path.expanduser(p) for p in data_path.split(os.pathsep)] if data_path else []
    root = _botocore_root()
    paths = [*extra, os.path.join(home, ".aws", "models"), os.path.join(root, "data")]
    found = [p for p in paths if os.path.isdir(p)]
    key = (_stamp(os.path.join(root, "__init__.py")), *found, sys.version_info[:2], marshal.version)
    return paths, key


def _cache(key: tuple[Any, ...], environ: Mapping[str, str]) -> ModelCache | None:
    """The cache file of ``key`` (None: turned off), read again only when it has changed: the
    judging of a call's parameters and its request read it once."""
    if environ.get("EUARE_MODEL_CACHE", "1") == "0":
        return None
    models = ModelCache(Path(cache_dir(environ)), key)
    known = _opened.get(models.path)
    if known is not None and known.unchanged():
        return known
    models.load()
    _opened[models.path] = models
    return models


def make_loader(data_path: str | None, env: Mapping[str, str] | None = None) -> Any:
    """botocore's Loader for ``data_path`` (``AWS_DATA_PATH``), restricted and cached: the
    worker's own, already filled, when it searches the same directories."""
    environ = os.environ if env is None else env
    paths, key = _search(data_path, environ)
    if key in _warm:
        return _warm[key]
    return _loader_class()(paths, _cache(key, environ), key)


def service_model(
    service: str, data_path: str | None, env: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``service``'s model (service-2, documentation left out) as :func:`make_loader`'s loader
    gives it: taken from the cache without importing botocore (whose import costs a call that
    is refused before any request most of its time) when the cache holds the latest API version
    in the search path and knows that no sdk-extras file amends it; else from the loader."""
    environ = os.environ if env is None else env
    paths, key = _search(data_path, environ)
    models = None if key in _warm else _cache(key, environ)
    version = _latest_version(paths, service, "service-2")
    if models is not None and version is not None:
        name = f"{service}/{version}/service-2"
        kept, extras = models.get(name), models.get(f"{name}.sdk-extras")
        if kept is not None and kept[1] is not None and extras == (None, None):
            found: dict[str, Any] = kept[0]
            return found
    model: dict[str, Any] = make_loader(data_path, env).load_service_model(service, "service-2")
    return model


def _latest_version(paths: list[str], service: str, type_name: str) -> str | None:
    """The latest API version of ``service`` that has a ``type_name`` file in the search path,
    as botocore's Loader picks it (None: there is none)."""
    versions = set()
    for path in paths:
        where = os.path.join(path, service)
        if not (os.path.isdir(path) and os.path.isdir(where)):
            continue
        for version in os.listdir(where):
            file = os.path.join(where, version, type_name)
            if os.path.isfile(file + ".json") or os.path.isfile(file + ".json.gz"):
                versions.add(version)
    return max(versions) if versions else None


def preload(env: Mapping[str, str]) -> None:
    """Fill a loader with every model and table a call may need, so that processes forked
    from this one (the worker's calls) find them parsed."""
    from botocore.session import Session

    loader = make_loader(Session().get_config_variable("data_path"), env)
    for service in SERVICES:
        for type_name in ("service-2", "paginators-1", "endpoint-rule-set-1"):
            loader.load_service_model(service, type_name)
    for name in ("endpoints", "partitions", "sdk-default-configuration", "_retry"):
        loader.load_data(name)
    _warm[loader.key] = loader


@functools.cache
def _loader_class() -> Any:
    from botocore.exceptions import DataNotFoundError
    from botocore.loaders import Loader

    class EuareLoader(Loader):  # type: ignore[misc]
        """botocore's Loader that knows euare's services only and keeps what it parsed."""

        def __init__(
            self, paths: list[str], models: ModelCache | None, key: tuple[Any, ...]
        ) -> None:
            super().__init__(extra_search_paths=list(paths), include_default_search_paths=False)
            self.models = models
            self.key = key
            self.known: dict[str, list[str]] = {}  # by type name
            self.loaded: dict[str, tuple[Any, str]] = {}  # by data path

        def list_available_services(self, type_name: str) -> list[str]:
            if type_name not in self.known:
                self.known[type_name] = [s for s in SERVICES if self._has(s, type_name)]
            return self.known[type_name]

        def _has(self, service: str, type_name: str) -> bool:
            try:
                return bool(self.list_api_versions(service, type_name))
            except DataNotFoundError:
                return False

        def load_data_with_path(self, name: str) -> tuple[Any, str]:
            if name not in self.loaded:
                self.loaded[name] = self._load(name)
            return self.loaded[name]

        def _load(self, name: str) -> tuple[Any, str]:
            kept = self.models.get(name) if self.models else None
            if kept is not None:
                data, path = kept
                if path is None:
                    raise DataNotFoundError(data_path=name)
                return data, path
            try:
                data, path = super().load_data_with_path(name)
            except DataNotFoundError:
                if self.models:
                    self.models.put(name, None, None)
                raise
            # A service model's documentation strings (four fifths of IAM's) serve docstrings
            # only, and euare's help is its own.
            data = _plain(data, drop="documentation" if name.endswith("/service-2") else None)
            if name == "endpoints":
                data = _trim_endpoints(data)
            if self.models:
                self.models.put(name, data, path)
            return data, path

    return EuareLoader
