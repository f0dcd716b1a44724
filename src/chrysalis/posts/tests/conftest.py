import io
import zipfile


class Upload(io.BytesIO):
    """A minimal uploaded file: a name and bytes."""

    def __init__(self, name: str, data: bytes):
        super().__init__(data)
        self.name = name
        self.size = len(data)


def png_bytes(size=(4, 3)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (120, 40, 200)).save(buf, "PNG")
    return buf.getvalue()


def office_bytes(kind: str = "docx") -> bytes:
    entry = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}[kind]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(entry, "<doc/>")
    return buf.getvalue()
