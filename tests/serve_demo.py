"""Start the demo as `ganzoo demo` does, behind the socket guard: the browser tests' server.

    python tests/serve_demo.py PORT ENTRY [ENTRY ...]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tests.socket_guard  # noqa: E402, F401  (first: everything after it is guarded)
from ganzoo.demo import app  # noqa: E402

if __name__ == "__main__":
    app.launch(sys.argv[2:], host="127.0.0.1", port=int(sys.argv[1]))
