"""Extract a package's strings and create or update its catalogs.

    python scripts/i18n.py core            # the core
    python scripts/i18n.py plugins/forum   # a plugin

Writes <package>/translations/messages.pot and updates (or creates)
<package>/translations/<lang>/LC_MESSAGES/messages.po for every language,
keeping existing translations. Fill in the empty msgstr entries afterwards.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# every language the core has a catalog for; a plugin gets the same ones
LANGS = sorted({p.parts[-3] for p in (ROOT / "core" / "translations").glob("*/LC_MESSAGES/*.po")})


def main(package: str) -> None:
    pkg = (ROOT / package).resolve()
    out = pkg / "translations"
    out.mkdir(exist_ok=True)
    pot = out / "messages.pot"
    run = [sys.executable, "-m", "babel.messages.frontend"]
    subprocess.run(run + ["extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
                          "--no-location", "--omit-header", "-o", str(pot), str(pkg)], check=True)
    for lang in LANGS:
        po = out / lang / "LC_MESSAGES" / "messages.po"
        action = "update" if po.exists() else "init"
        args = [action, "-i", str(pot), "-d", str(out), "-l", lang]
        if action == "update":
            args.append("--no-fuzzy-matching")
        subprocess.run(run + args, check=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "core")
