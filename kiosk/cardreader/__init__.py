"""The second-generation resident ID card reader (二代身份证阅读器) at the touch screen.

`protocol` builds and parses the frames desk readers speak; `reader` talks to
the reader named by KIOSK_CARD_READER_URL through pyserial; `cli` is
`flask --app kiosk card-reader read` for whoever installs the kiosk. Card
data goes only into the visitor's draft and then the registration: nothing
here logs it.
"""
