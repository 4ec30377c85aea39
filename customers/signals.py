"""Signals other apps listen to, so that customers never imports them."""

from django.dispatch import Signal

# Sent inside the entry's transaction once every line of a form is applied; `request` is
# the CustomerRequest, its lines carry the customers created or changed.
request_entered = Signal()
