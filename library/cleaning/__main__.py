"""`python -m library.cleaning PATH [--json]`: clean one file and print the result."""

import argparse
import json
import sys
from pathlib import Path

from . import Rejected, clean


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m library.cleaning", description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--json", action="store_true", help="print the whole result as JSON")
    args = parser.parse_args(argv)
    try:
        cleaned = clean(args.path.read_bytes(), filename=args.path.name)
    except (OSError, Rejected) as error:
        print(f"{args.path}: {error}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(cleaned.as_json(), sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(cleaned.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
