"""An aiosmtpd handler for the tests: a maildir, like aiosmtpd.handlers.Mailbox, that refuses
every recipient whose local part starts with "bounce", as a real server refuses an unknown
mailbox (550 at RCPT), and answers every recipient whose local part starts with "later" with
451, as a greylisting or overloaded server does, so that its messages stay queued for retries."""

from aiosmtpd.handlers import Mailbox


class Refusing(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0].startswith("bounce"):
            return "550 5.1.1 <%s>: no such mailbox here" % address
        if address.split("@")[0].startswith("later"):
            return "451 4.7.1 <%s>: greylisted, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"
