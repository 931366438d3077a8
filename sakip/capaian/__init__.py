"""Capaian: computation only. Decimals in, Decimals out (`rules`: achievement by DOMAIN.md's
rules, accumulation, predikat bands, budget absorption; `anggaran`: the budget code hierarchy).
No findings and no formatted text: the paraf wing judges, `sakip.formatting` prints."""
