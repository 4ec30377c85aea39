"""Panels other pillars add to a customer's profile page (opportunities, donations,
complaints, surveys). Each app registers a function taking (customer, user) and returning
a ProfilePanel, or None when it has nothing to show this user."""

from dataclasses import dataclass, field


@dataclass
class ProfilePanel:
    title: str
    template: str  # rendered with the panel's context plus `customer`
    context: dict = field(default_factory=dict)


_panel_builders = []


def register_profile_panel(builder):
    if builder not in _panel_builders:
        _panel_builders.append(builder)
    return builder


def profile_panels(customer, user):
    panels = (builder(customer, user) for builder in _panel_builders)
    return [panel for panel in panels if panel is not None]
