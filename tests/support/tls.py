"""A TLS server on 127.0.0.1 that presents a self-signed certificate, for thumbprint probes."""

from __future__ import annotations

import hashlib
import socket
import ssl
import tempfile
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from tests.support.certs import self_signed


class TlsServer:
    """Accepts connections, completes the handshake, closes. Stopped by ``stop``."""

    def __init__(self) -> None:
        cert_pem, key_pem = self_signed("127.0.0.1")
        der = x509.load_pem_x509_certificate(cert_pem.encode()).public_bytes(Encoding.DER)
        self.sha1 = hashlib.sha1(der).hexdigest()
        self.dir = tempfile.TemporaryDirectory()
        cert, key = Path(self.dir.name, "c.pem"), Path(self.dir.name, "k.pem")
        cert.write_text(cert_pem)
        key.write_text(key_pem)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            try:
                conn.settimeout(5)
                with self.context.wrap_socket(conn, server_side=True):
                    pass
            except (OSError, ssl.SSLError):
                pass

    def stop(self) -> None:
        self.running = False
        self.thread.join(timeout=5)
        self.sock.close()
        self.dir.cleanup()
