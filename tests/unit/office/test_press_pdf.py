"""press.docx as LibreOffice prints it: it opens, has pages, and its text is the release."""

from __future__ import annotations

import re
import subprocess

from exemplar.media.press import render_docx
from media_fixtures import make_item, photo_pairs


def test_libreoffice_converts_the_press_release_to_pdf(tmp_path):
    item = make_item()
    source = tmp_path / "press.docx"
    source.write_bytes(render_docx(item, photo_pairs(item)))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=300)
    info = subprocess.run(["pdfinfo", str(tmp_path / "press.pdf")], check=True, capture_output=True, text=True)
    assert int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1)) >= 1
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "press.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    for part in (item.headline, "来源：保定市科学技术协会", "图1", "人物名片", item.campaign.reprint):
        assert re.sub(r"\s+", "", part) in flat, part
    assert "—1—" in flat  # the page number field was laid out
