"""Make sure Debian's Chromium is there for the browser tests (`make test`, `.ci/run`), with a colour
emoji font so that reactions in the screenshots look as they do on people's machines.

As root on Debian with something missing: `apt-get update` then `apt-get install -y chromium
fonts-noto-color-emoji`. Otherwise it only says what is missing; the browser tests then skip
(without Chromium) with that reason.
"""

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"
EMOJI_FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
PACKAGES = {CHROMIUM: "chromium", EMOJI_FONT: "fonts-noto-color-emoji"}


def main() -> int:
    missing = [pkg for path, pkg in PACKAGES.items() if not os.path.exists(path)]
    if not missing:
        return 0
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"Installing {', '.join(missing)} for the browser tests (apt-get)…", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdin=subprocess.DEVNULL)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", *missing], check=True, env=env, stdin=subprocess.DEVNULL
        )
        return 0
    print(f"note: {', '.join(missing)} missing and this user cannot install it; browser tests may skip.",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
