"""The crypto provider's SM4-GCM, HMAC-SM3 index and key loading (apps/core/crypto.py)."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from apps.core import crypto

DATA_A = "a1" * 16
DATA_B = "b2" * 16
INDEX = "c3" * 32


def keys(data="k1:" + DATA_A, index="i1:" + INDEX):
    return override_settings(PEOPLE_KEY_FILE="", PEOPLE_DATA_KEYS=data, PEOPLE_INDEX_KEY=index)


def test_sm3_digest_is_unchanged():
    # GB/T 32905 test vector: SM3("abc").
    assert crypto.provider().digest(b"abc") == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


def test_a_token_carries_key_id_nonce_and_tag_and_decrypts():
    provider = crypto.provider()
    token = provider.encrypt("110105197503140019", context="people.person.id_number")
    prefix, key_id, nonce, _body, tag = token.split("$")
    assert prefix == "sm4gcm1"
    assert key_id == provider.current_key_id == "t1"
    assert len(crypto._unb64(nonce)) == 12
    assert len(crypto._unb64(tag)) == 16
    assert "110105197503140019" not in token
    assert provider.decrypt(token, context="people.person.id_number") == "110105197503140019"


def test_the_same_value_encrypts_differently_each_time():
    provider = crypto.provider()
    a = provider.encrypt("13912345678", context="x")
    b = provider.encrypt("13912345678", context="x")
    assert a != b


def test_a_token_moved_to_another_column_or_altered_does_not_decrypt():
    provider = crypto.provider()
    token = provider.encrypt("13912345678", context="people.person.mobile")
    with pytest.raises(crypto.DecryptionFailed):
        provider.decrypt(token, context="people.person.id_number")
    prefix, key_id, nonce, body, tag = token.split("$")
    flipped = crypto._b64(bytes([crypto._unb64(body)[0] ^ 1]) + crypto._unb64(body)[1:])
    with pytest.raises(crypto.DecryptionFailed):
        provider.decrypt(
            "$".join([prefix, key_id, nonce, flipped, tag]), context="people.person.mobile"
        )


def test_decryptions_are_counted():
    provider = crypto.provider()
    token = provider.encrypt("x", context="c")
    before = provider.decryptions
    provider.decrypt(token, context="c")
    provider.decrypt(token, context="c")
    assert provider.decryptions - before == 2


def test_blind_index_is_stable_keyed_and_per_column():
    provider = crypto.provider()
    one = provider.blind_index("13912345678", context="people.person.mobile")
    assert one == provider.blind_index("13912345678", context="people.person.mobile")
    assert one.startswith("ti1$") and len(one.split("$")[1]) == 64
    assert one != provider.blind_index("13912345678", context="people.person.id_number")
    with keys():
        assert crypto.provider().blind_index("13912345678", context="people.person.mobile") != one


def test_old_tokens_stay_readable_after_a_new_key_is_added():
    with keys(data=f"k1:{DATA_A}"):
        old = crypto.provider().encrypt("旧值", context="c")
    with keys(data=f"k2:{DATA_B},k1:{DATA_A}"):
        provider = crypto.provider()
        assert provider.current_key_id == "k2"
        assert provider.decrypt(old, context="c") == "旧值"
        assert crypto.token_key_id(provider.encrypt("新值", context="c")) == "k2"
    with keys(data=f"k2:{DATA_B}"), pytest.raises(crypto.DecryptionFailed):
        crypto.provider().decrypt(old, context="c")


def test_key_file(tmp_path):
    path = tmp_path / "keys.json"
    crypto.generate_key_file(path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    spec = json.loads(path.read_text())
    assert spec["current"] == "k1"
    with override_settings(PEOPLE_KEY_FILE=str(path), PEOPLE_DATA_KEYS="", PEOPLE_INDEX_KEY=""):
        provider = crypto.provider()
        token = provider.encrypt("v", context="c")
        assert crypto.token_key_id(token) == "k1"
        assert provider.decrypt(token, context="c") == "v"
        assert provider.keys.source == str(path)


@pytest.mark.parametrize(
    ("settings_", "message"),
    [
        ({"PEOPLE_DATA_KEYS": "", "PEOPLE_INDEX_KEY": ""}, "未配置任何密钥"),
        ({"PEOPLE_DATA_KEYS": "k1:abcd", "PEOPLE_INDEX_KEY": "i1:" + INDEX}, "32 位十六进制"),
        ({"PEOPLE_DATA_KEYS": "k1:" + "zz" * 16, "PEOPLE_INDEX_KEY": "i1:" + INDEX}, "十六进制"),
        ({"PEOPLE_DATA_KEYS": "k1:" + DATA_A, "PEOPLE_INDEX_KEY": ""}, "PEOPLE_INDEX_KEY"),
        ({"PEOPLE_DATA_KEYS": DATA_A, "PEOPLE_INDEX_KEY": "i1:" + INDEX}, "编号:十六进制密钥"),
        (
            {"PEOPLE_DATA_KEYS": f"k1:{DATA_A},k1:{DATA_B}", "PEOPLE_INDEX_KEY": "i1:" + INDEX},
            "重复",
        ),
        ({"PEOPLE_DATA_KEYS": "k1:" + DATA_A, "PEOPLE_INDEX_KEY": "i1:" + DATA_A}, "64 位十六进制"),
        (
            {"PEOPLE_DATA_KEYS": "k 1:" + DATA_A, "PEOPLE_INDEX_KEY": "i1:" + INDEX},
            "密钥编号",
        ),
    ],
)
def test_missing_or_malformed_keys_are_refused_with_a_clear_message(settings_, message):
    with override_settings(PEOPLE_KEY_FILE="", **settings_):
        with pytest.raises(ImproperlyConfigured) as error:
            crypto.provider().check_keys()
        assert message in str(error.value)
        assert "拒绝启动" in str(error.value)
        with pytest.raises(ImproperlyConfigured):
            crypto.provider().encrypt("110105197503140019", context="c")


def test_a_key_taken_from_secret_key_is_refused():
    with (
        override_settings(
            SECRET_KEY="prefix-" + DATA_A + "-suffix", PEOPLE_DATA_KEYS="k1:" + DATA_A
        ),
        pytest.raises(ImproperlyConfigured, match="SECRET_KEY"),
    ):
        crypto.provider().check_keys()


def test_a_key_file_and_environment_keys_together_are_refused(tmp_path):
    path = tmp_path / "keys.json"
    crypto.generate_key_file(path)
    with (
        override_settings(PEOPLE_KEY_FILE=str(path)),
        pytest.raises(ImproperlyConfigured, match="只能选一种"),
    ):
        crypto.provider().check_keys()


def test_a_broken_key_file_is_refused(tmp_path):
    path = tmp_path / "keys.json"
    path.write_text('{"current": "k9", "data_keys": {"k1": "' + DATA_A + '"}}')
    with (
        override_settings(PEOPLE_KEY_FILE=str(path), PEOPLE_DATA_KEYS="", PEOPLE_INDEX_KEY=""),
        pytest.raises(ImproperlyConfigured, match="格式不对"),
    ):
        crypto.provider().check_keys()
    path.write_text(
        json.dumps(
            {"current": "k9", "data_keys": {"k1": DATA_A}, "index_key": {"id": "i", "key": INDEX}}
        )
    )
    with (
        override_settings(PEOPLE_KEY_FILE=str(path), PEOPLE_DATA_KEYS="", PEOPLE_INDEX_KEY=""),
        pytest.raises(ImproperlyConfigured, match="当前密钥"),
    ):
        crypto.provider().check_keys()
    with (
        override_settings(
            PEOPLE_KEY_FILE=str(tmp_path / "missing.json"), PEOPLE_DATA_KEYS="", PEOPLE_INDEX_KEY=""
        ),
        pytest.raises(ImproperlyConfigured, match="不存在"),
    ):
        crypto.provider().check_keys()


def test_a_key_file_under_the_media_root_is_refused(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    path = tmp_path / "keys.json"
    crypto.generate_key_file(path)
    with (
        override_settings(PEOPLE_KEY_FILE=str(path), PEOPLE_DATA_KEYS="", PEOPLE_INDEX_KEY=""),
        pytest.raises(ImproperlyConfigured, match="可被下载"),
    ):
        crypto.provider().check_keys()


def test_fingerprints_reveal_nothing_of_the_keys():
    prints = crypto.provider().key_fingerprints()
    assert set(prints) == {"data:t1", "index:ti1"}
    for value in prints.values():
        assert "0123456789abcdef" not in value and "fedcba9876543210" not in value
