"""Private file storage of generated reports (``settings.BERICHTE_ROOT``).

Not MEDIA_ROOT and never served by the web server: files leave only through the
download view, which checks who may see the job. Each job has exactly one target path,
fixed when the job is created (:attr:`Berichtsauftrag.datei` + format); a result is
written to a temporary file in the same directory and moved into place with
``os.replace`` (atomic on POSIX), so a reader never sees half a file and a re-run after
a lost worker overwrites the same file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings

#: Suffix of files being written; left behind only by a killed worker.
TEMP_SUFFIX = ".tmp"


def wurzel() -> Path:
    pfad = Path(settings.BERICHTE_ROOT)
    pfad.mkdir(parents=True, exist_ok=True, mode=0o700)
    return pfad


def pfad(auftrag) -> Path:
    """Target path of the job's result file."""
    return wurzel() / f"{auftrag.datei}.{auftrag.format}"


def schreiben(auftrag, inhalt: bytes) -> int:
    """Write the result atomically to the job's path; returns its size in bytes.

    Temporary files a killed earlier run of the same job left behind are removed first.
    """
    ziel = pfad(auftrag)
    for alt in ziel.parent.glob(f"{auftrag.datei}.*{TEMP_SUFFIX}"):
        alt.unlink(missing_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f"{auftrag.datei}.", suffix=TEMP_SUFFIX, dir=ziel.parent)
    try:
        with os.fdopen(fd, "wb") as datei:
            datei.write(inhalt)
            datei.flush()
            os.fsync(datei.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, ziel)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return len(inhalt)


def loeschen(auftrag) -> bool:
    """Delete the job's file; whether there was one."""
    ziel = pfad(auftrag)
    try:
        ziel.unlink()
    except FileNotFoundError:
        return False
    return True


def vorhanden(auftrag) -> bool:
    return pfad(auftrag).is_file()
