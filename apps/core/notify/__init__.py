"""Notifications: in-app messages, email and SMS (see services.py for the contract).

from apps.core.notify import notify, deliver, Attachment
"""

from .services import Attachment, deliver, notify

__all__ = ["Attachment", "deliver", "notify"]
