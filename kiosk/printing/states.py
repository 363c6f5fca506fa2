"""Where a print job (a ticket on the slip printer) stands, named once for code and templates alike.

A job is a row first (so no fault loses it): pending until the worker takes
it, printing while the bytes go out, then printed, or failed with the
printer's reason. A failed or printed ticket can be printed again (补打).
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class JobStatus(StrEnum):
    PENDING = "pending"      # 待打印
    PRINTING = "printing"    # 打印中
    PRINTED = "printed"      # 已打印
    FAILED = "failed"        # 打印失败


#: Jobs the worker still has to print (or finish printing after a restart).
UNFINISHED = (JobStatus.PENDING, JobStatus.PRINTING)
#: Jobs that have an outcome: these may be printed again.
FINISHED = (JobStatus.PRINTED, JobStatus.FAILED)

#: What the print-jobs page says of each: an unfinished job is waiting, whichever step it is at.
LABELS = {
    **dict.fromkeys(UNFINISHED, _l("Waiting for the printer")),
    JobStatus.PRINTED: _l("Printed"),
    JobStatus.FAILED: _l("Not printed"),
}
