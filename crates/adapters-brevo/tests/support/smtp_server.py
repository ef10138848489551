"""A real SMTP server for the SMTP transport's tests: aiosmtpd (PyPI).

    python3 smtp_server.py PORT MAILDIR

Every accepted e-mail lands in the Maildir MAILDIR (aiosmtpd's Mailbox
handler, which adds X-MailFrom and X-RcptTo with the envelope). Beyond what
`python3 -m aiosmtpd -c aiosmtpd.handlers.Mailbox` does, it:

- refuses `RCPT TO` for any address starting with `inconnu@`, with
  `550 5.1.1` as a real server answers for an unknown mailbox;
- offers AUTH PLAIN/LOGIN, even without TLS (the tests talk over
  loopback), accepting only USER / PASSWORD below. Authentication is
  optional, as on a relay that also accepts local clients.

It stops when its standard input closes, so it never outlives the test
process that started it.
"""

import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult

USER = "histologe@example.test"
PASSWORD = "p@ss:wörd"


class Handler(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("inconnu@"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    login = auth_data.login.decode() if isinstance(auth_data.login, bytes) else auth_data.login
    password = (
        auth_data.password.decode() if isinstance(auth_data.password, bytes) else auth_data.password
    )
    # `handled=False`: aiosmtpd answers the failure itself (535 5.7.8).
    return AuthResult(success=login == USER and password == PASSWORD, handled=False)


def main():
    port, maildir = int(sys.argv[1]), sys.argv[2]
    controller = Controller(
        Handler(maildir),
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_required=False,
        auth_require_tls=False,
    )
    controller.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
