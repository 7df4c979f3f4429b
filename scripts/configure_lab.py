"""Write JupyterLab settings overrides into the current environment (used by make lab and postBuild).

`windowingMode: defer` keeps ipywidgets alive when their cell scrolls out of view
(JupyterLab 4's default "full" windowing detaches them).

Run:  python scripts/configure_lab.py [PREFIX]      (PREFIX defaults to sys.prefix)
"""

import json
import sys
from pathlib import Path

OVERRIDES = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "defer"}}


def main() -> None:
    prefix = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(sys.prefix)
    path = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for plugin, settings in OVERRIDES.items():
        current.setdefault(plugin, {}).update(settings)
    path.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
