"""Revision folders and the plan that decides between keeping the latest revision and making the
next (signed revisions: tests/pdf/test_manifest.py; through the flow: tests/flows/test_flow.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os

import pytest

from sakip.pdf import manifest
from sakip.outputs import revisions
from sakip.errors import PackageError
from sakip.formatting import JAKARTA
from sakip.pdf.manifest import SUFFIX

def keys(data: str, full: str) -> revisions.Keys:
    """Content keys as the run makes them (SHA-256 hex, which the manifest's shape requires)."""
    return revisions.Keys(*(hashlib.sha256(k.encode()).hexdigest() for k in (data, full)))


KEYS = keys("d1", "f1")


def publish_fake(pk_folder, plan, made_from=KEYS, body=b"%PDF-1.7 paket"):
    """A revision as the run leaves it: a package and its manifest with the keys it was made from."""
    build = revisions.start(plan)
    package = build / "paket_PK-A_2026_TW2.pdf"
    package.write_bytes(body)
    manifest.write(package, pk="PK-A", year=2026, quarter=2, revision=plan.revision,
                   created=dt.datetime(2026, 7, 6, 10, tzinfo=JAKARTA), run=manifest.RunInfo("run-1"), inputs=[],
                   templates=[], outputs=[], fields=["ttd_pejabat"], keys={"data": made_from.data, "lengkap": made_from.full})
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
    data = revisions.plan("PK-A", folder, keys("d2", "f2"))
    assert (data.revision, data.reuse, data.reason) == (2, False, "data masukan atau hasil paraf berubah")
    assert data.previous == folder / "rev-01"
    made = revisions.plan("PK-A", folder, keys("d1", "f2"))
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
    publish_fake(folder, revisions.plan("PK-A", folder, keys("d2", "f2")), keys("d2", "f2"))
    (folder / "latest").unlink()  # e.g. copied by a tool that drops symlinks
    assert revisions.latest(folder) == folder / "rev-02"
    assert revisions.plan("PK-A", folder, keys("d2", "f2")).reuse


def test_changes_name_the_values_and_files_that_differ(tmp_path):
    folder = tmp_path / "PK-A"
    first = publish_fake(folder, revisions.plan("PK-A", folder, KEYS))
    revisions.write_json(first / revisions.DATA_FILE, {"nilai": {"Realisasi TW2 IK-1: realisasi": "80", "PK PK-A: nama": "X"}})
    plan = revisions.plan("PK-A", folder, keys("d2", "f2"))
    record = revisions.changes(plan, {"Realisasi TW2 IK-1: realisasi": "85", "PK PK-A: nama": "X"}, {})
    assert record["nilai_berubah"] == [{"isian": "Realisasi TW2 IK-1: realisasi", "lama": "80", "baru": "85"}]
    assert (record["revisi"], record["menggantikan"]) == (2, "rev-01")


# Damaged revisions never stop a run (issue 20): a manifest or data.json edited by hand, a latest
# link pointing anywhere. The revision counts as not intact and the next one is planned.

MANIFEST = "paket_PK-A_2026_TW2" + SUFFIX


@pytest.mark.parametrize("content", [
    b"", b"not json", b"\xff\xfe\x00garbage", b"[]", b'"paket"', b"null", b"[" * 100_000,
    b'{"paket": "x"}', b'{"paket": []}', b'{"paket": {}}', b'{"paket": {"ukuran": "14", "sha256": "ab"}}',
    b'{"paket": {"ukuran": 14}}', b'{"paket": {"ukuran": true, "sha256": "ab"}}',
    b'{"paket": {"ukuran": -1, "sha256": "ab"}}', b'{"paket": {"ukuran": 14, "sha256": 5}}',
    b'{"paket": {"ukuran": 1e400, "sha256": "ab"}}',
])
def test_a_damaged_manifest_plans_the_next_revision(tmp_path, content):
    folder = tmp_path / "PK-A"
    publish_fake(folder, revisions.plan("PK-A", folder, KEYS))
    (folder / "rev-01" / MANIFEST).write_bytes(content)
    plan = revisions.plan("PK-A", folder, KEYS)
    assert (plan.reuse, plan.revision, plan.reason) == (False, 2, "paket rev-01 hilang atau tidak sesuai manifest-nya")
    record = revisions.changes(plan, {"a": "1"}, {"instansi.toml": "abc"})
    assert record["nilai_berubah"] == [{"isian": "a", "lama": None, "baru": "1"}]
    assert record["berkas_berubah"] == ["instansi.toml"]


def test_a_manifest_whose_keys_or_files_are_damaged_still_plans(tmp_path):
    folder = tmp_path / "PK-A"
    rev = publish_fake(folder, revisions.plan("PK-A", folder, KEYS))
    manifest = json.loads((rev / MANIFEST).read_text())
    manifest["kunci"] = ["d1", "f1"]  # a list where an object is expected
    manifest["berkas"] = ["instansi.toml", {"jenis": "masukan"}, {"jenis": "masukan", "berkas": 5},
                          {"jenis": "masukan", "berkas": "pk/PK-A.xlsx", "sha256": "11"}]
    (rev / MANIFEST).write_text(json.dumps(manifest))
    (rev / revisions.DATA_FILE).write_text('["not", "an", "object"]')
    plan = revisions.plan("PK-A", folder, KEYS)  # a manifest not in sakip's shape: not intact, never a stop
    assert not plan.reuse and plan.reason == "paket rev-01 hilang atau tidak sesuai manifest-nya"
    record = revisions.changes(plan, {"a": "1"}, {"pk/PK-A.xlsx": "22"})
    assert record["berkas_berubah"] == ["pk/PK-A.xlsx"] and record["nilai_berubah"][0]["lama"] is None


def test_a_package_that_became_a_folder_is_not_intact(tmp_path):
    folder = tmp_path / "PK-A"
    rev = publish_fake(folder, revisions.plan("PK-A", folder, KEYS))
    (rev / "paket_PK-A_2026_TW2.pdf").unlink()
    (rev / "paket_PK-A_2026_TW2.pdf").mkdir()
    assert not revisions.plan("PK-A", folder, KEYS).reuse


@pytest.mark.parametrize("target, expected", [
    ("rev-01", "rev-01"),  # as published
    ("rev-07", "rev-02"),  # dangling: the highest published
    ("latest", "rev-02"),  # itself (a loop)
    ("../PK-B/rev-05", "rev-02"),  # another PK's revision
    ("/etc", "rev-02"),
    ("rev-loop", "rev-02"),
    ("", "rev-02"),
])
def test_latest_is_a_published_sibling_whatever_the_link_says(tmp_path, target, expected):
    folder = tmp_path / "PK-A"
    publish_fake(folder, revisions.plan("PK-A", folder, KEYS))
    publish_fake(folder, revisions.plan("PK-A", folder, keys("d2", "f2")), keys("d2", "f2"))
    (tmp_path / "PK-B/rev-05").mkdir(parents=True)
    os.symlink("rev-loop", folder / "rev-loop")
    (folder / "latest").unlink()
    if target:
        os.symlink(target, folder / "latest")
    else:
        (folder / "latest").write_text("rev-01")  # a copy tool wrote the link as a file
    assert revisions.latest(folder) == folder / expected


def test_a_revision_folder_that_is_a_symlink_is_not_taken_as_latest(tmp_path):
    folder = tmp_path / "PK-A"
    publish_fake(folder, revisions.plan("PK-A", folder, KEYS))
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", folder / "rev-09")
    (folder / "latest").unlink()
    os.symlink("rev-09", folder / "latest")
    assert revisions.latest(folder) == folder / "rev-01" and revisions.revisions(folder) == [1]


def test_read_json_is_an_object_or_nothing(tmp_path):
    for content in (b"[1]", b'"x"', b"3", b"null", b"\xff", b"", b"{" * 50_000):
        (tmp_path / "d.json").write_bytes(content)
        assert revisions.read_json(tmp_path / "d.json") == {}
    assert revisions.read_json(tmp_path / "none.json") == {}


def test_start_replaces_a_leftover_symlink_and_publish_leaves_no_temporary(tmp_path):
    folder = tmp_path / "PK-A"
    plan = revisions.plan("PK-A", folder, KEYS)
    folder.mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/keep.txt").write_text("x")
    os.symlink(tmp_path / "outside", plan.building)  # a leftover build that is a link elsewhere
    publish_fake(folder, plan)
    assert (tmp_path / "outside/keep.txt").exists()  # what it pointed at is untouched
    assert sorted(p.name for p in folder.iterdir()) == ["latest", "rev-01"]
