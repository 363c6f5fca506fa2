"""The identity screen's 读取身份证: one card read into the visitor's draft.

What the card says (name, sex, birth date, address, ID number) goes only into
the draft in the visitor's session, to be shown for them to confirm and then
registered; it is never logged. A read that fails leaves the draft as it was
and names the failure by its kind, which the screen turns into a calm
sentence; the keypad works as before.
"""

from __future__ import annotations

from ..cardreader import protocol
from ..cardreader.reader import ReaderBusy, ReaderConfig, read_card

ERRORS = {cls.__name__: cls for cls in (
    protocol.CardReaderError, protocol.ReaderUnavailable, protocol.ReaderSilent,
    protocol.BadFrame, protocol.NoCard, protocol.CardMoved, ReaderBusy)}


def read_into(draft: dict, config) -> str | None:
    """Read a card into `draft`; None on success, else the kind of failure."""
    try:
        card = read_card(ReaderConfig.from_app(config),
                         wait=config["KIOSK_CARD_READER_SCREEN_WAIT_SECONDS"])
    except protocol.CardReaderError as error:
        return type(error).__name__
    draft["card"] = {"name": card.name, "sex": card.sex, "birth_date": card.birth_date,
                     "address": card.address, "id_number": card.id_number}
    draft.update(name=card.name or None, address=card.address or None,
                 id_number=card.id_number)
    return None


def reason(kind: str | None):
    """The sentence the visitor sees for a failure kind kept in the session."""
    if not kind:
        return None
    return ERRORS.get(kind, protocol.CardReaderError).reason
