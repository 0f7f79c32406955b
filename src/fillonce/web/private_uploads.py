"""Uploads kept for a while between two requests (a preview, then a choice), readable only by their sender.

Each upload is a folder named by a random token, private to the server's user (the files may hold clear ID
numbers), with `owner.json` naming the account; folders older than an hour are swept on the next upload.
"""

from __future__ import annotations

import json
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from fillonce.core.errors import NotFound
from fillonce.core.i18n import Text

KEEP_SECONDS = 3600


class PrivateUploads:
    def __init__(self, name: str, gone: Text):
        self.root = Path(tempfile.gettempdir()) / name
        self.gone = gone  # what a visitor is told when the folder is not theirs or no longer there

    def new(self, account_id: int, **meta) -> Path:
        self._sweep()
        folder = self.root / secrets.token_hex(16)
        folder.mkdir(parents=True, mode=0o700)
        self.write_meta(folder, {"account": account_id, **meta})
        return folder

    def folder(self, account_id: int, token: str) -> Path:
        folder = self.root / token
        if not token.isalnum() or not (folder / "owner.json").exists() or self.meta(folder)["account"] != account_id:
            raise NotFound(self.gone)
        return folder

    @staticmethod
    def meta(folder: Path) -> dict:
        return json.loads((folder / "owner.json").read_text())

    @staticmethod
    def write_meta(folder: Path, meta: dict) -> None:
        (folder / "owner.json").write_text(json.dumps(meta))

    def _sweep(self) -> None:
        if self.root.exists():
            for folder in self.root.iterdir():
                if time.time() - folder.stat().st_mtime > KEEP_SECONDS:
                    shutil.rmtree(folder, ignore_errors=True)
