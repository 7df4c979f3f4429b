"""Write the course's Jupyter settings into an environment (used by scripts/setup_course.py and postBuild).

- JupyterLab `windowingMode: defer` keeps ipywidgets alive when their cell scrolls out of view
  (JupyterLab 4's default "full" windowing detaches them).
- No news or update checks: no toast asking "get notified about official Jupyter news?" over lesson 00,
  and no request to a website at run time.
- Kernels talk to the server over local IPC sockets instead of TCP where the system has them (not on
  Windows): the course needs no network, and ipykernel stops warning "Kernel is running over TCP
  without encryption" at every start.

Run:  python scripts/configure_lab.py [PREFIX]      (PREFIX defaults to sys.prefix)
"""

import json
import os
import sys
from pathlib import Path

LAB_OVERRIDES = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "defer"},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}
SERVER_CONFIG = {"ServerKernelManager": {"transport": "ipc"}}


def _merge(path: Path, settings: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for section, values in settings.items():
        current.setdefault(section, {}).update(values)
    path.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def main() -> None:
    prefix = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(sys.prefix)
    _merge(prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json", LAB_OVERRIDES)
    if os.name != "nt":  # Windows has no IPC transport for ZeroMQ
        _merge(prefix / "etc" / "jupyter" / "jupyter_server_config.json", SERVER_CONFIG)


if __name__ == "__main__":
    main()
