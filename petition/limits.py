"""Every time limit of the 信访工作条例 (2022) that Jiedai keeps, and its thresholds, written once.

Days are calendar days in Asia/Shanghai. Both apps read these through
`petition.lifecycle`; nothing else states a number of days.
"""

#: The office tells the petitioner within 15 days whether the matter is accepted (第三十一条).
DECISION_DAYS = 15
#: An accepted matter is handled within 60 days of acceptance (第三十五条) …
HANDLING_DAYS = 60
#: … extendable once, by at most 30 days, with the reason told to the petitioner.
MAX_EXTENSION_DAYS = 30
#: The petitioner may ask for review (复查) within 30 days of receiving the written reply,
#: and for re-examination (复核) within 30 days of the review's answer (第三十六、三十七条).
REQUEST_DAYS = 30
#: A review or a re-examination is decided within 30 days of the request.
REVIEW_DAYS = 30
#: A case whose next step is due within this many days is "due soon" (即将到期), on every list.
DUE_SOON_DAYS = 3
