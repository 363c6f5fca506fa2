"""The kiosk's sync agent: it pushes the kiosk's records to the office and pulls the office's handling.

`agent` does one sync and its retries, `background` runs it beside the
server's requests (the console's 立即同步 and the nightly window), `schedule`
says when the nightly run is.
"""
