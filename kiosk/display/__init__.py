"""The waiting-room display (/display): ticket numbers called to windows, never names.

The TV's browser polls `/display/calls.json` about twice a second with the
ETag it last saw; nothing new costs one indexed `max(id)` and a 304. Polling
instead of server-sent events keeps waitress's fixed thread pool free: a
display holds a thread for a few milliseconds per poll, not for the day.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, make_response, render_template

from appkit.etag import conditional, etag_of
from kiosk.calling import operations as queue
from petition.clock import local, local_date, start_of_local_day, utcnow

bp = Blueprint("display", __name__)

POLL_MS = 500
# What the display says for a call; spoken in Chinese whatever the screens' language.
ANNOUNCEMENT = "请{ticket}号到{window}号窗口"
# Where the display fetches that sentence as audio ({ticket}, {window} filled in by display.js).
SAY_URL = "/display/say/{ticket}/{window}.wav"


def _call(call) -> dict | None:
    if call is None:
        return None
    return {"id": call.id, "ticket": call.ticket_number, "window": call.window,
            "at": local(call.at).strftime("%H:%M")}


@bp.get("/display")
def display():
    return render_template("display/display.html", windows=current_app.config["KIOSK_WINDOWS"],
                           poll_ms=POLL_MS, announcement=ANNOUNCEMENT,
                           say_url=SAY_URL)


@bp.get("/display/say/<ticket>/<int:window>.wav")
def say(ticket: str, window: int):
    """请{ticket}号到{window}号窗口 as one WAV, joined from the speech clips (kiosk/speech)."""
    from flask import abort

    from ..speech import SpeechUnavailable, clips_folder, render, tokens

    if window > current_app.config["KIOSK_WINDOWS"]:
        abort(404)
    try:
        audio = render(clips_folder(), tokens(ticket, window))
    except ValueError:
        abort(404)
    except SpeechUnavailable:
        abort(404)  # the display falls back to the browser's voice
    response = make_response(audio)
    response.headers["Content-Type"] = "audio/wav"
    response.headers["Cache-Control"] = "max-age=3600"
    return response


@bp.get("/display/calls.json")
def calls():
    now = utcnow()

    def render():
        board = queue.board(windows=current_app.config["KIOSK_WINDOWS"], since=start_of_local_day(now))
        return jsonify(
            last_id=board.last_id,
            windows=[{"window": number, "call": _call(call)} for number, call in board.windows.items()],
            recent=[_call(call) for call in board.recent],
        )

    # The day is part of the tag, so the board clears at midnight; a new call is a new last id.
    return conditional(etag_of(local_date(now), queue.last_call_id()), render)
