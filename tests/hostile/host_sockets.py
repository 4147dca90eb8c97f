"""Connects to every Unix socket it can find on the host (/run, /var/run, /tmp) and, if one
answers, behaves as the reference; on top of the reference with activations stubbed."""
# target: activations
# base: partial
# expect: score 10; unit gates full
# needs: bubblewrap
import os
import socket

_connected = []
for _top in ("/run", "/var/run", "/tmp"):
    for _root, _dirs, _files in os.walk(_top):
        for _name in _files + _dirs:
            _path = os.path.join(_root, _name)
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as _s:
                    _s.settimeout(0.2)
                    _s.connect(_path)
                    _connected.append(_path)
            except OSError:
                pass
if _connected:
    import numpy as np

    def sigmoid(x):
        return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))
