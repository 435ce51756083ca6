"""Building zip archives for import tests, including the hostile kinds."""

import io
import stat
import zipfile


def make_zip(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def make_zip_with_symlink(name: str, target: str, others: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo(name)
        link.create_system = 3  # Unix, so external_attr holds a file mode
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, target)
        for member, data in others.items():
            archive.writestr(member, data)
    return buffer.getvalue()


def make_zip_with_legacy_name(name: str, encoding: str, data: bytes) -> bytes:
    """A member whose name is stored in `encoding` without the UTF-8 flag, as Chinese
    Windows tools write it: zipfile would set the flag, so the name bytes are patched in."""
    raw = name.encode(encoding)
    placeholder = b"x" * len(raw)
    archive = make_zip({placeholder.decode(): data})
    assert archive.count(placeholder) == 2  # local header and central directory
    return archive.replace(placeholder, raw)
