"""Konto: login, logout, password reset and change, profile, personal API tokens.

Part of the ``ozgplattform`` app (no app of its own): the model ``ApiToken`` lives in
``ozgplattform/models.py``, its admin in ``ozgplattform/admin.py``. See docs/konto.md.
"""
