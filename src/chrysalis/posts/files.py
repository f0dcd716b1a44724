"""Checks on uploaded files: size, extension AND content (magic bytes), before anything is stored.

The content type we store (and later serve) is the one we detected, never the one the client sent.
"""

import io
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings

from chrysalis.core.errors import Invalid

MAX_FILES_PER_POST = 5


@dataclass(frozen=True)
class FileKind:
    content_type: str
    is_image: bool = False


# extension -> what the content must be
KINDS: dict[str, FileKind] = {
    "png": FileKind("image/png", True),
    "jpg": FileKind("image/jpeg", True),
    "jpeg": FileKind("image/jpeg", True),
    "gif": FileKind("image/gif", True),
    "webp": FileKind("image/webp", True),
    "pdf": FileKind("application/pdf"),
    "txt": FileKind("text/plain; charset=utf-8"),
    "md": FileKind("text/markdown; charset=utf-8"),
    "csv": FileKind("text/csv; charset=utf-8"),
    "docx": FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": FileKind("application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
ALLOWED_LIST = "PNG, JPEG, GIF, WebP images, PDF, plain text, Markdown, CSV, DOCX, XLSX and PPTX"

_OFFICE_ENTRY = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
_PIL_FORMAT = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check; `data` is its whole content."""

    name: str
    ext: str
    content_type: str
    is_image: bool
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def _clean_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable())
    return base[:200] or "file"


def _content_matches(ext: str, data: bytes) -> bool:
    if ext in _PIL_FORMAT:
        magic_ok = {
            "png": data.startswith(b"\x89PNG\r\n\x1a\n"),
            "jpg": data.startswith(b"\xff\xd8\xff"),
            "jpeg": data.startswith(b"\xff\xd8\xff"),
            "gif": data[:6] in (b"GIF87a", b"GIF89a"),
            "webp": data[:4] == b"RIFF" and data[8:12] == b"WEBP",
        }[ext]
        if not magic_ok:
            return False
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as img:
                if img.format != _PIL_FORMAT[ext]:
                    return False
                img.verify()
        except Exception:  # noqa: BLE001 - any decoding failure means "not this image type"
            return False
        return True
    if ext == "pdf":
        return data.startswith(b"%PDF-")
    if ext in ("txt", "md", "csv"):
        if b"\x00" in data:
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    if ext in _OFFICE_ENTRY:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError):
            return False
        return "[Content_Types].xml" in names and _OFFICE_ENTRY[ext] in names
    return False


def check_upload(upload) -> CheckedFile:
    """Validate one uploaded file (Django UploadedFile or any object with .name and .read()).
    Raises Invalid with a message naming the file."""
    name = _clean_name(getattr(upload, "name", ""))
    limit = settings.CHRYSALIS_MAX_ATTACHMENT_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise Invalid(f"“{name}” is too large ({_human(size)}; at most {_human(limit)}).", field="files")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = KINDS.get(ext)
    if kind is None:
        raise Invalid(f"“{name}”: this type of file is not accepted. Allowed: {ALLOWED_LIST}.", field="files")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise Invalid(f"“{name}” is too large (more than {_human(limit)}).", field="files")
    if not data:
        raise Invalid(f"“{name}” is empty.", field="files")
    if not _content_matches(ext, data):
        raise Invalid(f"“{name}” does not contain what its name says (.{ext}); it was not accepted.",
                      field="files")
    return CheckedFile(name=name, ext=ext, content_type=kind.content_type, is_image=kind.is_image, data=data)


def check_uploads(uploads, already: int = 0) -> list[CheckedFile]:
    uploads = [u for u in (uploads or []) if u is not None]
    if len(uploads) + already > MAX_FILES_PER_POST:
        raise Invalid(f"A post can have at most {MAX_FILES_PER_POST} files.", field="files")
    return [check_upload(u) for u in uploads]


def _human(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}".replace(".0 ", " ")
        n /= 1024
    return f"{n} bytes"


human_size = _human
