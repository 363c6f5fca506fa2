"""Masking of a petitioner's personal data (保密).

Receipts, lists and public pages never show a name, an ID number or a phone
number whole; these functions give the masked forms the office uses:
张*三, 3701**********1234, 138****5678.
"""


def mask_name(name: str | None) -> str:
    """Keep the first and last character; a two-character name keeps the first."""
    if not name:
        return ""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(id_number: str | None) -> str:
    """Keep the first four and the last four characters."""
    if not id_number:
        return ""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_phone(phone: str | None) -> str:
    """Keep the first three and the last four digits."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return phone[:1] + "*" * (len(phone) - 1)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_address(address: str | None) -> str:
    """Keep the first six characters (province, city, district), hide the rest."""
    if not address:
        return ""
    address = address.strip()
    if len(address) <= 6:
        return address[:1] + "*" * (len(address) - 1)
    return address[:6] + "*" * min(len(address) - 6, 8)
