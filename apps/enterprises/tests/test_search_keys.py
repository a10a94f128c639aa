from apps.enterprises import search


def test_bigrams_ignore_punctuation():
    assert search.bigrams("北京（商务）") == sorted({"北京", "京商", "商务"})


def test_full_width_and_case_are_normalised():
    assert search.normalise("ＡＢＣ　公司") == "ABC公司"


def test_initials():
    assert search.initials("北京商务科技有限公司").startswith("bjswkj")
