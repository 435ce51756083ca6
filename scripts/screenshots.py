"""Screenshot pages of a running Pizhu at phone and desktop sizes, for a reader's look.

.venv/bin/python scripts/screenshots.py http://127.0.0.1:8000/ /documents/1/ --out screenshots
.venv/bin/python scripts/screenshots.py http://127.0.0.1:8000/ /highlights/ --login demo:PASSWORD
"""

import argparse
import re
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import sync_playwright

SIZES = {"phone": (390, 844), "desktop": (1366, 900)}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("paths", nargs="*", default=["/"])
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--full-page", action="store_true")
    parser.add_argument("--login", metavar="USER:PASSWORD", help="log in first")
    parser.add_argument("--suffix", default="", help="added to each file name")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for size, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            if args.login:
                username, _, password = args.login.partition(":")
                page.goto(urljoin(args.base, "/accounts/login/"))
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", password)
                page.click("form.stack button[type=submit]")
            for path in args.paths:
                page.goto(urljoin(args.base, path))
                name = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "index"
                target = args.out / f"{name}{args.suffix}-{size}.png"
                page.screenshot(path=target, full_page=args.full_page)
                print(target)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
