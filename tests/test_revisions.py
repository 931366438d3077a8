"""Revision folders and the plan that decides between keeping the latest revision and making the
next (signed revisions: tests/test_manifest.py; through the flow: tests/test_flow.py)."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from sakip import revisions
from sakip.errors import PackageError
from sakip.manifest import SUFFIX

KEYS = revisions.Keys(data="d1", full="f1")


def publish_fake(pk_folder, plan, keys=KEYS, body=b"%PDF-1.7 paket"):
    """A revision as the run leaves it: a package and its manifest with the keys it was made from."""
    build = revisions.start(plan)
    package = build / "paket_PK-A_2026_TW2.pdf"
    package.write_bytes(body)
    (build / f"paket_PK-A_2026_TW2{SUFFIX}").write_text(json.dumps({
        "paket": {"sha256": hashlib.sha256(body).hexdigest(), "ukuran": len(body), "revisi": plan.revision},
        "kunci": {"data": keys.data, "lengkap": keys.full}, "berkas": []}))
    return revisions.publish(plan)


def test_first_run_plans_revision_one_and_publishing_points_latest_at_it(tmp_path):
    plan = revisions.plan("PK-A", tmp_path / "PK-A", KEYS)
    assert (plan.revision, plan.reuse, plan.reason, plan.folder.name) == (1, False, "revisi pertama", "rev-01")
    publish_fake(tmp_path / "PK-A", plan)
    assert os.readlink(tmp_path / "PK-A/latest") == "rev-01" and not plan.building.exists()
    assert revisions.latest(tmp_path / "PK-A") == tmp_path / "PK-A/rev-01"


def test_same_keys_reuse_and_any_change_plans_the_next_revision_with_its_reason(tmp_path):
    folder = tmp_path / "PK-A"
    publish_fake(folder, revisions.plan("PK-A", folder, KEYS))
    assert revisions.plan("PK-A", folder, KEYS).reuse
    data = revisions.plan("PK-A", folder, revisions.Keys("d2", "f2"))
    assert (data.revision, data.reuse, data.reason) == (2, False, "data masukan atau hasil paraf berubah")
    assert data.previous == folder / "rev-01"
    made = revisions.plan("PK-A", folder, revisions.Keys("d1", "f2"))
    assert made.reason == "template, suite, atau versi sakip berubah"
    forced = revisions.plan("PK-A", folder, KEYS, force=True)
    assert not forced.reuse and "--force" in forced.reason


def test_a_package_changed_or_gone_since_its_manifest_is_not_reused(tmp_path):
    folder = tmp_path / "PK-A"
    rev = publish_fake(folder, revisions.plan("PK-A", folder, KEYS))
    (rev / "paket_PK-A_2026_TW2.pdf").write_bytes(b"%PDF-1.7 diubah")
    plan = revisions.plan("PK-A", folder, KEYS)
    assert not plan.reuse and plan.reason == "paket rev-01 hilang atau tidak sesuai manifest-nya"


def test_a_published_revision_is_never_replaced(tmp_path):
    folder = tmp_path / "PK-A"
    plan = revisions.plan("PK-A", folder, KEYS)
    publish_fake(folder, plan)
    before = (folder / "rev-01/paket_PK-A_2026_TW2.pdf").read_bytes()
    revisions.start(plan)  # a second run that planned the same revision
    with pytest.raises(PackageError, match="sudah ada dan tidak ditimpa"):
        revisions.publish(plan)
    assert (folder / "rev-01/paket_PK-A_2026_TW2.pdf").read_bytes() == before and not plan.building.exists()


def test_a_leftover_build_of_a_killed_run_is_replaced_not_published(tmp_path):
    folder = tmp_path / "PK-A"
    plan = revisions.plan("PK-A", folder, KEYS)
    plan.building.mkdir(parents=True)
    (plan.building / "setengah.pdf").write_bytes(b"%PDF-1.7 setengah")
    publish_fake(folder, plan)
    assert sorted(p.name for p in (folder / "rev-01").iterdir()) == ["paket_PK-A_2026_TW2.manifest.json",
                                                                     "paket_PK-A_2026_TW2.pdf"]


def test_latest_falls_back_to_the_highest_revision_without_the_link(tmp_path):
    folder = tmp_path / "PK-A"
    publish_fake(folder, revisions.plan("PK-A", folder, KEYS))
    publish_fake(folder, revisions.plan("PK-A", folder, revisions.Keys("d2", "f2")), revisions.Keys("d2", "f2"))
    (folder / "latest").unlink()  # e.g. copied by a tool that drops symlinks
    assert revisions.latest(folder) == folder / "rev-02"
    assert revisions.plan("PK-A", folder, revisions.Keys("d2", "f2")).reuse


def test_changes_name_the_values_and_files_that_differ(tmp_path):
    folder = tmp_path / "PK-A"
    first = publish_fake(folder, revisions.plan("PK-A", folder, KEYS))
    revisions.write_json(first / revisions.DATA_FILE, {"nilai": {"Realisasi TW2 IK-1: realisasi": "80", "PK PK-A: nama": "X"}})
    plan = revisions.plan("PK-A", folder, revisions.Keys("d2", "f2"))
    record = revisions.changes(plan, {"Realisasi TW2 IK-1: realisasi": "85", "PK PK-A: nama": "X"}, {})
    assert record["nilai_berubah"] == [{"isian": "Realisasi TW2 IK-1: realisasi", "lama": "80", "baru": "85"}]
    assert (record["revisi"], record["menggantikan"]) == (2, "rev-01")
