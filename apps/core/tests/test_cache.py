"""The Redis cache backend production runs with (REDIS_URL): Django's, with its client
objects reused. Against the machine's Redis (database 5, emptied), as in production."""

import socket
import threading

import pytest

from apps.core.cache import ReusingRedisCache

URL = "redis://127.0.0.1:6379/5"


@pytest.fixture
def cache():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    backend = ReusingRedisCache(URL, {"KEY_PREFIX": "test"})
    backend.clear()
    yield backend
    backend.clear()


def test_values_round_trip_and_expire_as_with_djangos_backend(cache):
    cache.set("a", {"列表": [1, 2]}, 60)
    assert cache.get("a") == {"列表": [1, 2]}
    assert cache.add("a", "other") is False
    assert cache.get_many(["a", "missing"]) == {"a": {"列表": [1, 2]}}
    cache.set("gone", 1, 0)  # a timeout of 0 deletes, as Django documents
    assert cache.get("gone", "default") == "default"
    cache.set("n", 1)
    assert cache.incr("n") == 2
    cache.delete("a")
    assert cache.get("a") is None


def test_one_client_per_pool_is_reused(cache):
    client = cache._cache.get_client("x")
    assert cache._cache.get_client("y") is client
    assert cache._cache.get_client("z", write=True) is client  # one server: one pool


def test_threads_share_the_client_safely(cache):
    errors = []

    def work(n):
        try:
            for i in range(50):
                cache.set(f"t{n}:{i}", i)
                assert cache.get(f"t{n}:{i}") == i
        except Exception as error:  # reported to the test thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
