"""Make sure Debian's Chromium is there for the browser tests (`make test`, `.ci/run`).

As root on Debian without /usr/bin/chromium: `apt-get update` then `apt-get install -y chromium`.
Otherwise it only says what is missing; the browser tests then skip with that reason.
"""

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    if os.path.exists(CHROMIUM):
        return 0
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing Chromium for the browser tests (apt-get)…", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdin=subprocess.DEVNULL)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env, stdin=subprocess.DEVNULL
        )
        return 0
    print(f"note: {CHROMIUM} is missing and this user cannot install it; browser tests will skip.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
