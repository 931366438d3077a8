"""Documents: Word templates rendered in a sandbox (`sandbox`, `filters`, `render`), the charts
they print, the agency's recap and LKjIP (`reports`), the field contract (`fields`), planners'
template tools (`templates`) and the workbooks sent to units (`forms`)."""
