"""The demo data of `make run` (`manage.py load_demo_data`).

Each app registers a DemoLoader in its AppConfig.ready, naming the loaders whose data it
builds on; the loaders run in registration order (the order of INSTALLED_APPS), a loader
waiting until those it names have run. A loader must be idempotent: it creates only what is
missing, so running the demo twice changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class DemoLoader:
    name: str
    load: Callable[[], object]  # returns what it created (a count, names…), falsy when nothing
    after: tuple[str, ...] = ()  # names of the loaders whose data this one needs
    message: str = ""  # printed when it created something; "{created}" is what load returned


_loaders: dict[str, DemoLoader] = {}


def register_demo_loader(loader: DemoLoader) -> DemoLoader:
    """Register (or replace, under the same name) a demo loader."""
    _loaders[loader.name] = loader
    return loader


def unregister_demo_loader(name: str) -> None:
    del _loaders[name]


def demo_loaders_in_order() -> list[DemoLoader]:
    """The registered loaders in registration order, each after the loaders it names."""
    pending = list(_loaders.values())
    ordered: list[DemoLoader] = []
    done: set[str] = set()
    while pending:
        loader = next((each for each in pending if done.issuperset(each.after)), None)
        if loader is None:
            waiting = {each.name: each.after for each in pending}
            raise ImproperlyConfigured(f"Demo loaders waiting for unknown or each other: {waiting}")
        pending.remove(loader)
        ordered.append(loader)
        done.add(loader.name)
    return ordered


def run_demo_loaders(write: Callable[[str], object]) -> dict[str, object]:
    """Run every loader in order, writing each one's message when it created something.
    Returns what each loader returned, by name."""
    results: dict[str, object] = {}
    for loader in demo_loaders_in_order():
        created = results[loader.name] = loader.load()
        if created and loader.message:
            write(loader.message.format(created=created))
    return results
