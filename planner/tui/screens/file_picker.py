"""File pickers for imports and exports (textual-fspicker), opened where the officer was.

The pickers list the folder's entries as plain text (a file named `[/]` is shown as it
is) and read nothing but the file system: no network.
"""

from __future__ import annotations

from pathlib import Path

from textual_fspicker import FileOpen, FileSave, Filters, SelectDirectory


def _is_csv(path: Path) -> bool:
    return path.suffix.lower() == ".csv"


def _anything(_path: Path) -> bool:
    return True


def csv_picker(folder: Path) -> FileOpen:
    """Choose a CSV file to import, starting in `folder`."""
    return FileOpen(
        folder,
        "Choose the CSV file to import",
        open_button="Choose",
        filters=Filters(("CSV files", _is_csv), ("Any file", _anything)),
    )


def save_picker(folder: Path, name: str) -> FileSave:
    """Choose where to save a file, starting in `folder` with `name` filled in. Replacing
    a file that exists is still asked about by the export dialog."""
    return FileSave(folder, "Save the export as", save_button="Choose", default_file=name)


def folder_picker(folder: Path) -> SelectDirectory:
    """Choose a folder, starting in `folder`."""
    return SelectDirectory(folder, "Choose the folder", select_button="Choose")
