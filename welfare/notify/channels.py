"""Sending one message: e-mail through SMTP, SMS through an HTTP gateway. Each raises
ChannelError with a short reason when the message did not go out."""

import json
import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage


class ChannelError(Exception):
    pass


def configured(channel, config):
    """Whether the settings name a server (SMTP) or gateway (SMS) for the channel."""
    if channel == "email":
        return bool(config.get("MAIL_SERVER"))
    return bool(config.get("SMS_GATEWAY_URL"))


def send_email(config, to, subject, body):
    message = EmailMessage()
    message["From"] = config.get("MAIL_FROM", "welfare@localhost")
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 25)),
                          timeout=float(config.get("MAIL_TIMEOUT", 10))) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise ChannelError(f"SMTP: {exc}"[:300]) from exc


def send_sms(config, to, body):
    request = urllib.request.Request(
        config["SMS_GATEWAY_URL"], method="POST",
        data=json.dumps({"to": to, "text": body}).encode(),
        headers={"Content-Type": "application/json",
                 "Authorization": f"Bearer {config.get('SMS_GATEWAY_KEY', '')}"})
    try:
        with urllib.request.urlopen(request, timeout=float(config.get("SMS_TIMEOUT", 10))) as r:
            if r.status >= 300:
                raise ChannelError(f"SMS gateway: HTTP {r.status}")
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"SMS gateway: HTTP {exc.code}") from exc
    except OSError as exc:
        raise ChannelError(f"SMS gateway: {exc}"[:300]) from exc


def send(message, config):
    if message.channel == "email":
        send_email(config, message.recipient, message.subject, message.body)
    else:
        send_sms(config, message.recipient, message.body)
