"""Refuse, and record, every connection a process tries to make to a host other than this
machine. Imported first in the demo server the browser tests start (`serve_demo.py`): what
the page or Gradio tries to reach outside ends up in the file `$GANZOO_SOCKET_LOG`, which the
tests read, and the attempt fails as it would on a closed network."""

import ipaddress
import os
import socket

LOG = os.environ.get("GANZOO_SOCKET_LOG", "")
_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}


def _is_local(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if host in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(str(host).split("%")[0])
    except ValueError:
        return False  # a name that is not this machine's
    return address.is_loopback or address.is_unspecified


def _refuse(what: str, host) -> None:
    if LOG:
        with open(LOG, "a") as log:
            log.write(f"{what} {host}\n")
    raise OSError(f"socket guard: {what} to {host} refused (only this machine is allowed)")


_connect, _connect_ex, _getaddrinfo = (socket.socket.connect, socket.socket.connect_ex,
                                       socket.getaddrinfo)


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        _refuse("connect", address[0])
    return _connect(self, address)


def _guarded_connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        _refuse("connect", address[0])
    return _connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if host is not None and not _is_local(host):
        _refuse("lookup", host)
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex
socket.getaddrinfo = _guarded_getaddrinfo
