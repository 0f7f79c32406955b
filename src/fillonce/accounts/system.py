"""Who acts when nobody is signed in: the installer creating the first administrator."""

from fillonce.accounts.permissions import Actor

INSTALLER = Actor(account_id=None, username="installer", role="admin")
