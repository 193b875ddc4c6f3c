"""An aiosmtpd handler for the tests: a maildir, like aiosmtpd.handlers.Mailbox, that refuses
every recipient whose local part starts with "bounce", as a real server refuses an unknown
mailbox (550 at RCPT)."""

from aiosmtpd.handlers import Mailbox


class Refusing(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0].startswith("bounce"):
            return "550 5.1.1 <%s>: no such mailbox here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"
