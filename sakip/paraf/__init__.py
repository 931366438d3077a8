"""Paraf: every check and the verdict. The Great Expectations suites (`suites`, custom types in
`expectations`, NIP and pangkat in `asn`) and the registered rules GX cannot express (`rules`:
`berkas` for files, `earlier` for earlier quarters, `nilai` for values); the only place a
`model.Finding` is made. Then the correction workbooks (`koreksi`) and the paraf record
(`record`: paraf.json, validasi.html, the fingerprint of this wing's code)."""
