"""What the report tests look for in the storage."""

from django.core.files.storage import default_storage


def stored_pdfs() -> list[str]:
    """Return the names of every report PDF in the storage."""
    found = []

    def walk(folder: str) -> None:
        dirs, files = default_storage.listdir(folder)
        found.extend(f"{folder}/{name}" for name in files if name.endswith(".pdf"))
        for sub in dirs:
            walk(f"{folder}/{sub}")

    if default_storage.exists("reports"):
        walk("reports")
    return found
