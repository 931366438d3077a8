"""Outputs: the folder layout and atomic writes (`files`), revisions (`revisions`), the period's
lock (`lock`), the run's log (`runlog`), its summary (`summary`) and `sakip status` (`status`)."""
