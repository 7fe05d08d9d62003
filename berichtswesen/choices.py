from django.db import models


class Format(models.TextChoices):
    """Output formats of a report (re-exported by ``berichtswesen.berichte``)."""

    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel (XLSX)"
    CSV = "csv", "CSV"
