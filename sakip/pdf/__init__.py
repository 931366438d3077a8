"""PDF: LibreOffice conversion (`convert`, its `uno_worker`), the signature-ready package
(`package`, `pagination`, `datasheet`, `manifest`), signing (`sign`), the agency bundle
(`bundle`), and `produce`, the one path every document takes: plan, render, convert, package,
publish."""
