"""The profile store with the file secret backend (the keyring one: test_store_keyring.py)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import threading

import pytest

from xkeys.core import store as store_mod
from xkeys.core.kinds import Kind
from xkeys.core.redact import fingerprint
from xkeys.core.store import (
    ExportRecord,
    NoProfile,
    Profile,
    SecretStoreUnavailable,
    Store,
    StoreError,
    atomic_write,
)

CK = "Ab3dE5gH7jK9mN1pQ3sT5vW7y"  # 25
CS = "s" * 25 + "S" * 25
AT = "1234567890123456789-" + "t" * 30
ATS = "a" * 45
BEARER = "A" * 21 + "%3Dbearer" + "b" * 80


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    monkeypatch.setenv("XKEYS_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.delenv("XKEYS_PROFILE", raising=False)
    monkeypatch.delenv("XKEYS_SECRET_STORE", raising=False)
    return tmp_path / "cfg"


def fstore() -> Store:
    return Store(secret_store="file")


def test_save_load_round_trip_and_files_are_private(cfg):
    s = fstore()
    s.save(
        Profile(
            "acme",
            values={Kind.CONSUMER_KEY: CK, Kind.CONSUMER_SECRET: CS},
            callback_url="http://127.0.0.1:8765/callback",
            preset="bot",
        )
    )
    p = Store().load("acme")  # a new process needs no flag: the profile remembers its store
    assert p.values == {Kind.CONSUMER_KEY: CK, Kind.CONSUMER_SECRET: CS}
    assert p.callback_url == "http://127.0.0.1:8765/callback" and p.preset == "bot"
    assert p.secret_store == "file"
    for name in ("profiles.json", "secrets.json"):
        mode = stat.S_IMODE(os.stat(cfg / name).st_mode)
        assert mode == 0o600, (name, oct(mode))
    assert stat.S_IMODE(os.stat(cfg).st_mode) == 0o700
    meta = (cfg / "profiles.json").read_text()
    assert CS not in meta and CK not in meta, "metadata must hold fingerprints only"
    assert fingerprint(CS) in meta
    assert CS in (cfg / "secrets.json").read_text()


def test_no_keyring_means_a_clear_refusal_not_plaintext(cfg, monkeypatch):
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    with pytest.raises(SecretStoreUnavailable) as exc:
        Store().save(Profile("acme", values={Kind.CONSUMER_KEY: CK}))
    msg = str(exc.value)
    assert "keyring" in msg and "--secret-store file" in msg and "keyrings.alt" not in msg
    assert not (cfg / "secrets.json").exists()
    assert not (cfg / "profiles.json").exists()


def test_unknown_secret_store_is_refused(cfg):
    with pytest.raises(StoreError):
        Store(secret_store="plaintext")


def test_active_profile_first_saved_then_use(cfg, monkeypatch):
    s = fstore()
    assert s.active_name() is None
    with pytest.raises(NoProfile):
        s.load()
    s.save(Profile("one", values={Kind.BEARER_TOKEN: BEARER}))
    s.save(Profile("two", values={Kind.BEARER_TOKEN: BEARER}))
    assert s.active_name() == "one"
    s.use("two")
    assert s.load().name == "two"
    monkeypatch.setenv("XKEYS_PROFILE", "one")
    assert s.active_name() == "one"
    with pytest.raises(NoProfile):
        s.use("three")


def test_brand_inherits_from_base_and_its_own_values_win(cfg):
    s = fstore()
    s.save(Profile("agency", values={Kind.CONSUMER_KEY: CK, Kind.CONSUMER_SECRET: CS, Kind.BEARER_TOKEN: BEARER}))
    s.save(
        Profile(
            "brand",
            base="agency",
            values={
                Kind.ACCESS_TOKEN: AT,
                Kind.ACCESS_TOKEN_SECRET: ATS,
                Kind.BEARER_TOKEN: "A" * 21 + "%3Dother" + "c" * 80,
            },
        )
    )
    b = s.load("brand")
    assert b.values[Kind.CONSUMER_KEY] == CK
    assert b.values[Kind.BEARER_TOKEN].endswith("c" * 80)  # own value wins
    assert set(b.inherited) == {Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET}
    # saving the loaded brand does not copy the base's values into it
    s.save(b)
    assert set(s.load("brand", inherit=False).values) == {
        Kind.ACCESS_TOKEN,
        Kind.ACCESS_TOKEN_SECRET,
        Kind.BEARER_TOKEN,
    }
    # the base changes: the brand sees the new value
    a = s.load("agency")
    a.values[Kind.CONSUMER_SECRET] = "n" * 50
    s.save(a)
    assert s.load("brand").values[Kind.CONSUMER_SECRET] == "n" * 50
    # a changed inherited value becomes the brand's own
    b = s.load("brand")
    b.values[Kind.CONSUMER_KEY] = "Z" * 25
    s.save(b)
    assert s.load("brand", inherit=False).values[Kind.CONSUMER_KEY] == "Z" * 25
    assert s.load("agency").values[Kind.CONSUMER_KEY] == CK
    with pytest.raises(StoreError):
        s.delete("agency")  # still the base of brand
    with pytest.raises(NoProfile):
        s.save(Profile("x", base="missing", values={Kind.BEARER_TOKEN: BEARER}))


def test_history_keeps_old_generations_and_rollback(cfg):
    s = fstore()
    s.save(Profile("acme", values={Kind.CONSUMER_KEY: CK, Kind.CONSUMER_SECRET: CS}))
    p = s.load("acme")
    s.save(p)  # unchanged values: no new generation
    assert len(s.history("acme")) == 1
    p.values[Kind.CONSUMER_SECRET] = "r" * 50
    s.save(p, reason="rotate", rotated=True)
    hist = s.history("acme")
    assert [g.gen for g in hist] == [1, 2] and hist[-1].reason == "rotate"
    assert s.load("acme", values=False).rotated
    assert s.load_generation("acme", 1)[Kind.CONSUMER_SECRET] == CS
    s.rollback("acme")
    assert s.load("acme").values[Kind.CONSUMER_SECRET] == CS
    assert len(s.history("acme")) == 3  # rollback is a new generation: nothing lost


def test_history_is_bounded_and_old_secrets_pruned(cfg, monkeypatch):
    monkeypatch.setattr(store_mod, "HISTORY_LIMIT", 3)
    s = fstore()
    for i in range(6):
        s.save(
            Profile("acme", values={Kind.BEARER_TOKEN: BEARER + str(i)})
            if i == 0
            else _with(s.load("acme"), Kind.BEARER_TOKEN, BEARER + str(i))
        )
    assert [g.gen for g in s.history("acme")] == [4, 5, 6]
    secrets = json.loads((cfg / "secrets.json").read_text())["secrets"]
    assert len(secrets) == 3


def _with(p: Profile, k: Kind, v: str) -> Profile:
    p.values[k] = v
    return p


def test_rename_delete_and_export_records(cfg):
    s = fstore()
    s.save(Profile("old", values={Kind.BEARER_TOKEN: BEARER}))
    s.save(Profile("brand", base="old", values={Kind.ACCESS_TOKEN: AT}))
    s.add_export("old", ExportRecord("/tmp/x.env", "dotenv", "x", {"bearer_token": fingerprint(BEARER)}, "now"))
    s.add_export("old", ExportRecord("/tmp/x.env", "dotenv", "x", {"bearer_token": fingerprint(BEARER)}, "later"))
    s.rename("old", "new")
    assert s.list() == ["brand", "new"]
    assert s.load("brand").base == "new" and s.active_name() == "new"
    p = s.load("new")
    assert p.values[Kind.BEARER_TOKEN] == BEARER
    assert [e.at for e in p.exports] == ["later"]
    with pytest.raises(StoreError):
        s.rename("new", "brand")
    with pytest.raises(StoreError):
        s.rename("new", "../evil")
    s.delete("brand")
    s.delete("new")
    assert s.list() == [] and s.active_name() is None
    assert json.loads((cfg / "secrets.json").read_text())["secrets"] == {}


def test_tampered_secret_is_detected(cfg):
    s = fstore()
    s.save(Profile("acme", values={Kind.BEARER_TOKEN: BEARER}))
    data = json.loads((cfg / "secrets.json").read_text())
    key = next(iter(data["secrets"]))
    data["secrets"][key] = "changed"
    (cfg / "secrets.json").write_text(json.dumps(data))
    with pytest.raises(StoreError) as exc:
        s.load("acme")
    assert "changed" not in str(exc.value)


def test_damaged_metadata_is_one_sentence(cfg):
    os.makedirs(cfg)
    (cfg / "profiles.json").write_text("{not json")
    with pytest.raises(StoreError) as exc:
        fstore().list()
    assert "damaged" in str(exc.value)


def test_values_with_line_breaks_are_refused(cfg):
    with pytest.raises(StoreError):
        fstore().save(Profile("acme", values={Kind.BEARER_TOKEN: "abc\ndef"}))


def test_repr_never_shows_values(cfg):
    p = Profile("acme", values={Kind.CONSUMER_SECRET: CS})
    assert CS not in repr(p)


def test_atomic_write_leaves_no_temp_files(tmp_path):
    target = tmp_path / "f"
    atomic_write(str(target), "one")
    atomic_write(str(target), "two")
    assert target.read_text() == "two"
    assert os.listdir(tmp_path) == ["f"]


def test_concurrent_writers_in_threads_do_not_lose_profiles(cfg):
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            Store(secret_store="file").save(Profile(f"p{i}", values={Kind.BEARER_TOKEN: BEARER + str(i)}))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    s = Store()
    assert s.list() == sorted(f"p{i}" for i in range(8))
    for i in range(8):
        assert s.load(f"p{i}").values[Kind.BEARER_TOKEN] == BEARER + str(i)


def test_concurrent_processes_do_not_clobber_each_other(cfg):
    code = textwrap.dedent("""
        import sys
        from xkeys.core.kinds import Kind
        from xkeys.core.store import Profile, Store
        i = int(sys.argv[1])
        for n in range(5):
            Store(secret_store="file").save(
                Profile(f"proc{i}-{n}", values={Kind.BEARER_TOKEN: "A" * 21 + "%3D" + str(i) * 40 + str(n)}))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", code, str(i)]) for i in range(4)]
    assert all(p.wait(timeout=60) == 0 for p in procs)
    s = Store()
    assert len(s.list()) == 20
    assert s.load("proc3-4").values[Kind.BEARER_TOKEN].endswith("3" * 40 + "4")


def test_concurrent_saves_with_pruning_keep_every_secret(cfg):
    # pruning old generations rewrites secrets.json too: it must hold the lock like a save
    code = textwrap.dedent("""
        import sys
        from xkeys.core import store as store_mod
        from xkeys.core.kinds import Kind
        from xkeys.core.store import Profile, Store
        store_mod.HISTORY_LIMIT = 2
        i = int(sys.argv[1])
        s = Store(secret_store="file")
        p = Profile(f"proc{i}")
        for n in range(8):
            p.values[Kind.BEARER_TOKEN] = "A" * 21 + "%3D" + str(i) * 40 + "-" + str(n)
            p = s.save(p)
    """)
    procs = [subprocess.Popen([sys.executable, "-c", code, str(i)]) for i in range(4)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    s = Store()
    for i in range(4):
        p = s.load(f"proc{i}")
        assert p.values[Kind.BEARER_TOKEN].endswith(str(i) * 40 + "-7")
        assert [g.gen for g in p.history] == [7, 8]
        assert s.load_generation(f"proc{i}", 7)[Kind.BEARER_TOKEN].endswith("-6")
    assert len(json.loads((cfg / "secrets.json").read_text())["secrets"]) == 8


def test_saving_a_stale_copy_keeps_exports_recorded_meanwhile_and_refuses_base_cycles(cfg):
    s = fstore()
    s.save(Profile("acme", values={Kind.BEARER_TOKEN: BEARER}))
    stale = s.load("acme")
    s.add_export("acme", ExportRecord("/tmp/a.env", "dotenv", None, {}, "t1"))
    stale.values[Kind.CONSUMER_KEY] = CK
    s.save(stale)
    assert [e.path for e in s.load("acme").exports] == ["/tmp/a.env"]
    s.save(Profile("brand", base="acme", values={Kind.ACCESS_TOKEN: AT}))
    a = s.load("acme", inherit=False)
    a.base = "brand"
    with pytest.raises(StoreError):
        s.save(a)
