"""Coupon codes: typos caught before the database, forgeries refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import codes

SECRET = bytes(range(32))
OTHER = bytes(range(1, 33))


@pytest.fixture(scope="module")
def sample() -> list[str]:
    return [codes.new_code(SECRET) for _ in range(200)]


def test_shape(sample: list[str]) -> None:
    for code in sample:
        assert len(code) == codes.CODE_LEN == 12
        assert set(code) <= set(codes.ALPHABET)
        assert codes.verify(code, SECRET) == code
    assert len(set(sample)) == len(sample)
    assert not set("ILOUV") & set(codes.ALPHABET)


def test_typed_forms_accepted(sample: list[str]) -> None:
    code = sample[0]
    shown = codes.display(code)
    assert shown.count("-") == 2
    assert codes.verify(shown.lower(), SECRET) == code
    assert codes.verify(" " + shown.replace("-", " ") + "\n", SECRET) == code
    with_o = code.replace("0", "O").replace("1", "I")
    assert codes.verify(with_o, SECRET) == code


@given(st.data())
@settings(max_examples=300)
def test_every_single_character_typo_is_caught(data: st.DataObject) -> None:
    code = codes.new_code(SECRET)
    pos = data.draw(st.integers(0, codes.CODE_LEN - 1))
    wrong = data.draw(st.sampled_from([c for c in codes.ALPHABET if c != code[pos]]))
    typo = code[:pos] + wrong + code[pos + 1 :]
    with pytest.raises(codes.CodeProblem) as err:
        codes.verify(typo, SECRET)
    assert err.value.reason == "typo"


@given(st.data())
@settings(max_examples=200)
def test_neighbour_swaps_in_the_body_are_caught(data: st.DataObject) -> None:
    code = codes.new_code(SECRET)
    pos = data.draw(st.integers(0, codes.BODY_LEN - 2))
    if code[pos] == code[pos + 1]:
        return
    swapped = code[:pos] + code[pos + 1] + code[pos] + code[pos + 2 :]
    with pytest.raises(codes.CodeProblem) as problem:
        codes.verify(swapped, SECRET)
    assert problem.value.reason == "typo"  # caught by the check character, not "forged"


def test_forged_code_fails(sample: list[str]) -> None:
    # A guest changes the random part and fixes up the public check character:
    # the signature no longer matches.
    code = sample[0]
    body = ("2" if code[0] != "2" else "3") + code[1 : codes.BODY_LEN]
    forged = body + codes.check_char(body)
    with pytest.raises(codes.CodeProblem) as err:
        codes.verify(forged, SECRET)
    assert err.value.reason == "forged"
    # Codes of another store are forgeries here.
    theirs = codes.new_code(OTHER)
    with pytest.raises(codes.CodeProblem) as err:
        codes.verify(theirs, SECRET)
    assert err.value.reason == "forged"


@pytest.mark.parametrize("text", ["", "ABC", "13800138000", "ABCD-EFGH-JKMN-P", "ABCD!EFGHJKM"])
def test_not_a_code(text: str) -> None:
    with pytest.raises(codes.CodeProblem) as err:
        codes.verify(text, SECRET)
    assert err.value.reason == "format"
