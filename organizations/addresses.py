"""One spelling per e-mail address, so that case and Unicode variants are one address.

Sign-up, log-in, consultant grants, members and respondent invitations all compare addresses
through `normalize_email`: `Consultant@Firm.example` and `ｃｏｎｓｕｌｔａｎｔ@firm.example` are
the address the owner typed, not a second one a stranger can claim.
"""

import unicodedata


def normalize_email(value: str) -> str:
    """Return the address in its one stored form: NFKC-normalised, case-folded, trimmed."""
    return unicodedata.normalize("NFKC", value or "").strip().casefold()
