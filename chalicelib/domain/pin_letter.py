"""The PIN letter: what Community Development hands (or mails) a contractor so they can sign in the first time.

The guide's "LOGGING IN" steps, for this company: open the portal's sign-in address, choose the business
name from the drop-down, use the PIN as the password, then set a security question and a new password
(the PIN stops working once that is done). Written once, here, on the server: the back office prints it
and `mail_letter` e-mails the same text. Pure: no clock, no settings; the caller gives every fact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from chalicelib.domain.wording import us_date


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str


def pin_letter(company_name: str, license_no: str, pin: str, sign_in_url: str, *,
               valid_until: date | None = None, password_rules: Sequence[str] = ()) -> Letter:
    """The letter for one company and its new PIN. `valid_until`: the PIN's last day (it expires);
    `password_rules`: the rules the new password must meet (PasswordPolicy.rules())."""
    name = " ".join(company_name.split()) or "your business"
    expiry = f" It works until {us_date(valid_until)}; after that, ask us for a new one." if valid_until else ""
    lines = [
        f"To: {name}",
        f"State license: {license_no}" if license_no else "",
        "",
        "Your Contractor Portal PIN",
        "",
        f"PIN: {pin}",
        "",
        f"Use this PIN to sign in to the Contractor Portal for the first time.{expiry}",
        "",
        "To sign in the first time:",
        f"1. Go to {sign_in_url}",
        "2. Choose \"Contractor\" as the login.",
        f"3. Locate your business name, {name}, in the drop-down list.",
        "4. Enter the PIN above as the password.",
        "5. You will be asked to choose a security question and secret answer, and a new password. "
        "The PIN will no longer work after you complete your password set-up.",
    ]
    if password_rules:
        lines += ["", "Password rules:", *(f"- {rule}" for rule in password_rules)]
    lines += [
        "",
        "Keep this PIN private: anyone who has it can set up your business's login. If you did not ask "
        "for a PIN, call Community Development.",
        "",
        "Community Development",
    ]
    return Letter(f"Your Contractor Portal PIN for {name}", "\n".join(line for i, line in enumerate(lines)
                                                                      if line or i != 1))
