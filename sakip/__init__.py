"""sakip: quarterly SAKIP performance reports from officials' workbooks to signature-ready PDFs."""

__version__ = "0.1.0"
