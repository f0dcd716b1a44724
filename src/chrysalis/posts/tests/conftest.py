import io
import zipfile

import pytest

from chrysalis.testsupport.factories import make_person, make_space


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads go to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test users
    return settings.MEDIA_ROOT


@pytest.fixture
def ana(db):
    return make_person("ana")


@pytest.fixture
def bob(db):
    return make_person("bob")


@pytest.fixture
def cy(db):
    return make_person("cy")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """`with on_commit(): ...` runs the on-commit side effects (notifications, indexing)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def private_space(ana):
    return make_space(ana, name="Board", visibility="private")


@pytest.fixture
def secret_space(ana):
    return make_space(ana, name="Skunkworks", visibility="secret")


@pytest.fixture
def open_space(ana):
    return make_space(ana, name="Engineering", visibility="open")


def api_headers(user) -> dict:
    from chrysalis.people.actions import create_api_token

    _token, secret = create_api_token(user, name="tests")
    return {"Authorization": f"Bearer {secret}"}


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
