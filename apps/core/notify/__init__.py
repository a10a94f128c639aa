"""Notifications: in-app messages, email and SMS (see services.py for the contract).

from apps.core.notify import notify, deliver
"""

from .services import deliver, notify

__all__ = ["deliver", "notify"]
