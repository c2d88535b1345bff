"""Property-based tests of the validators: credit codes, money and spreadsheets.

Each validator either accepts a value or refuses it with the domain's own error and a
message people can act on; whatever it is given, nothing else may escape (an escaped
exception is a 500 for the API and a traceback for the command line).

Bounded and derandomized by default; ``SHEQIA_FUZZ_EXAMPLES=N`` runs N random examples
per property (``tests/fuzzing.py``).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strawberry.exceptions import StrawberryInputCoercionError

from api.errors import DomainError, ErrorCode
from api.money import MAX_AMOUNT, MoneyError, MoneyField, fen, from_fen, to_money
from api.organizations.creditcode import (
    CHARSET,
    LENGTH,
    CreditCodeError,
    is_valid_credit_code,
    make_credit_code,
    validate_credit_code,
)
from api.projects.models import Project
from api.spreadsheets import reading
from api.spreadsheets.columns import (
    HEADERS,
)
from api.spreadsheets.importing import import_projects
from api.spreadsheets.reading import SheetRows, read_rows
from api.spreadsheets.rows import convert
from schema.control_characters import MESSAGE as CONTROL_MESSAGE
from schema.scalars import _parse_money, _serialize_money
from tests import factories
from tests.fuzz_sheets import (  # the fixture among them is used by name
    ANY_CELL,
    CELLS,
    PLACES,
    SPREADSHEET_BYTES,
    TABLES,
    Row,
    Stage,
    assert_drafts_match,
    csv_bytes,
    stage,
    valid_cells,
    xlsx_bytes,
)
from tests.fuzzing import fuzz_settings

EXAMPLES = 200
FAST = fuzz_settings(EXAMPLES)
# Files are built and parsed per example: fewer of them.
FILES = fuzz_settings(60)
CHINESE = re.compile(r"[\u4e00-\u9fff]")

# --- unified social credit code ------------------------------------------------------

DIGITS = "0123456789"
# The first 17 characters of a well-formed code: positions 3–8 are a division code.
BODIES = st.tuples(
    st.text(CHARSET, min_size=2, max_size=2),
    st.text(DIGITS, min_size=6, max_size=6),
    st.text(CHARSET, min_size=9, max_size=9),
).map("".join)


@given(body=BODIES)
@FAST
def test_a_generated_code_is_accepted_as_typed_in_any_case_and_spacing(body: str) -> None:
    """Given 17 well-formed characters, when the check character is appended, then the code
    is valid, also typed in lower case with spaces around it."""
    code = make_credit_code(body)
    assert len(code) == LENGTH and code.startswith(body)
    assert validate_credit_code(code) == code
    assert validate_credit_code(f"  {code.lower()}\t") == code
    assert is_valid_credit_code(code)


@given(
    body=BODIES,
    position=st.integers(0, LENGTH - 1),
    replacement=st.one_of(st.sampled_from(CHARSET), st.characters()),
)
@FAST
def test_any_single_character_changed_is_rejected(
    body: str, position: int, replacement: str
) -> None:
    """Given a valid code, when any one of its 18 characters is replaced by another (a
    look-alike of the standard's alphabet or any character at all), then it is refused."""
    code = make_credit_code(body)
    assume(replacement.upper() != code[position])
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(CreditCodeError) as refused:
        validate_credit_code(changed)
    assert CHINESE.search(str(refused.value))
    assert not is_valid_credit_code(changed)


ANYTHING = st.one_of(
    st.text(),
    st.text(CHARSET + "IOZSV abc", min_size=16, max_size=20),
    st.none(),
    st.integers(),
    st.binary(),
    st.lists(st.text(), max_size=3),
)


@given(value=ANYTHING)
@FAST
def test_anything_else_is_refused_with_the_reason(value: Any) -> None:
    """Given any text (or not text at all), when validated, then it is a code or refused
    with a ``CreditCodeError`` that says in Chinese what is wrong — nothing else escapes."""
    for check in (validate_credit_code, make_credit_code):
        try:
            checked = check(value)
        except CreditCodeError as refused:
            assert CHINESE.search(str(refused)), refused
        else:
            assert len(checked) == LENGTH and is_valid_credit_code(checked)
    assert isinstance(is_valid_credit_code(value), bool)


# --- money ---------------------------------------------------------------------------

AMOUNTS = st.decimals(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, places=2)
TWO_PLACES = re.compile(r"-?\d+\.\d\d")


@given(amount=AMOUNTS)
@FAST
def test_two_place_amounts_round_trip_through_text_and_the_scalar(amount: Decimal) -> None:
    """Given an amount of whole fen, when written as text and read back (by the domain and by
    the Decimal scalar), then it is the same amount, always shown with two decimals."""
    assert to_money(str(amount)) == amount
    assert to_money(amount) == amount
    assert to_money(str(amount)).as_tuple().exponent == -2
    shown = _serialize_money(amount)
    assert TWO_PLACES.fullmatch(shown), shown
    assert _parse_money(shown) == amount


@given(amount=AMOUNTS)
@FAST
def test_fen_conversion_is_exact(amount: Decimal) -> None:
    """Given an amount, when stored as whole fen and read back, then nothing is rounded."""
    assert fen(amount) == int(amount.scaleb(2))
    assert from_fen(fen(amount)) == amount
    column = MoneyField()
    assert column.to_python_value(column.to_db_value(amount, None)) == amount


@given(cents=st.integers(-int(MAX_AMOUNT * 100), int(MAX_AMOUNT * 100)))
@FAST
def test_every_stored_fen_reads_back_as_itself(cents: int) -> None:
    """Given any whole number of fen in range, when read as money and stored, then it is the
    same number of fen."""
    assert fen(from_fen(cents)) == cents


NOT_NUMBERS = st.one_of(
    st.sampled_from(
        [
            *["NaN", "-nan", "sNaN", "Infinity", "-Infinity", "inf", "", " ", "十万", "1,00.00"],
            # digits of other scripts (Arabic-Indic, Devanagari): Decimal() reads them
            *["١٢٣", "१२३.००", "12٫50"],
        ]
    ),
    # exponents, in range or far out of it: no one types an amount that way
    st.integers(-9, 10**9).map(lambda exponent: f"1e{exponent}"),
    st.integers(10, 10**9).map(lambda exponent: f"-9.5E+{exponent}"),
)
TOO_PRECISE = st.decimals(
    min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, places=6, allow_nan=False
).filter(lambda d: d != d.quantize(Decimal("0.01")))
TOO_BIG = st.integers(min_value=int(MAX_AMOUNT) + 1).map(str)


@pytest.mark.parametrize(
    ("values", "reason"),
    [(NOT_NUMBERS, "不是有效的金额"), (TOO_PRECISE, "两位小数"), (TOO_BIG, "超出范围")],
    ids=["not a number", "too many places", "too big"],
)
def test_what_is_not_an_amount_is_refused_with_the_reason(
    values: st.SearchStrategy[Any], reason: str
) -> None:
    """Given NaN, infinities, junk, a third decimal or more than 10 digits of yuan, when
    read as money (by the domain or the scalar), then it is refused, saying which."""

    @given(value=values)
    @FAST
    def refused(value: Any) -> None:
        with pytest.raises(MoneyError, match=reason):
            to_money(str(value))
        with pytest.raises(StrawberryInputCoercionError, match=reason):
            _parse_money(str(value))

    refused()


@given(value=st.one_of(st.text(), st.floats(), st.integers(), st.none(), st.booleans()))
@FAST
def test_anything_is_money_or_a_clear_refusal(value: Any) -> None:
    """Given any text or any other value, when read as money, then it is an amount of whole
    fen in range or refused in Chinese (floats always: money is never binary floating)."""
    try:
        amount = to_money(value)
    except MoneyError as refused:
        assert CHINESE.search(str(refused)), refused
    else:
        assert not isinstance(value, float)
        assert amount.as_tuple().exponent == -2 and abs(amount) <= MAX_AMOUNT
    try:
        parsed = _parse_money(value)
    except StrawberryInputCoercionError as refused:
        assert CHINESE.search(str(refused)), refused
    else:
        assert isinstance(value, str) and parsed == to_money(value)


BUDGET_FILTER = "query ($min: Decimal) { projects(filter: {minBudget: $min}) { totalCount } }"


@given(
    value=st.one_of(
        st.text(),
        TOO_BIG,
        NOT_NUMBERS,
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
    )
)
@fuzz_settings(40)
async def test_a_money_variable_is_used_or_refused_in_chinese(
    value: Any, client: httpx.AsyncClient
) -> None:
    """Given any value for a Decimal variable, when a query uses it, then the answer has
    data or a GraphQL error explaining the amount — never a Python exception's text."""
    body = {"query": BUDGET_FILTER, "variables": {"min": value}}
    response = await client.post("/graphql", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    for error in answer.get("errors") or []:
        # text with a control character is refused for that before it is read as money
        assert "金额" in error["message"] or error["message"] == CONTROL_MESSAGE, answer
        assert "<class" not in error["message"] and "encountered error" not in error["message"]
    if not answer.get("errors"):
        assert isinstance(answer["data"]["projects"]["totalCount"], int)


# --- spreadsheets: reading any bytes -------------------------------------------------


@given(data=SPREADSHEET_BYTES)
@FILES
async def test_any_bytes_are_read_or_refused_as_a_file_problem(data: bytes) -> None:
    """Given any bytes as an uploaded file — random, with a zip, .xls or BOM signature, a
    damaged workbook or CSV — when read, then they are rows or refused as a problem of the
    file, never another exception."""
    try:
        sheet = read_rows(await reading.load(data))
    except DomainError as refused:
        (problem,) = refused.problems
        assert problem.code is ErrorCode.INVALID_INPUT and problem.field == ["file"]
        assert CHINESE.search(problem.message), problem
    else:
        assert sheet.rows and all(number >= 2 for number, _ in sheet.rows)


# --- spreadsheets: rows round trip ---------------------------------------------------


@given(table=TABLES, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
@FILES
def test_valid_rows_round_trip_through_a_csv_file_in_any_encoding(
    table: list[Row], encoding: str
) -> None:
    """Given valid rows, when saved as CSV in UTF-8 (with or without BOM) or GB18030 and read
    back, then every row becomes the draft that was typed."""
    assert_drafts_match(read_rows(csv_bytes(table, encoding)), table)


@given(table=TABLES, money_as_numbers=st.booleans())
@FILES
def test_valid_rows_round_trip_through_a_workbook(table: list[Row], money_as_numbers: bool) -> None:
    """Given valid rows, when saved in an .xlsx (amounts as numbers or as text) and read
    back, then every row becomes the draft that was typed, to the fen."""
    assert_drafts_match(read_rows(xlsx_bytes(table, money_as_numbers)), table)


@given(table=TABLES)
@FILES
def test_gb18030_and_utf8_files_read_the_same(table: list[Row]) -> None:
    """Given one list saved once in GB18030 (Excel's CSV on Chinese Windows) and once in
    UTF-8, when read, then both give the same rows."""
    from_gb = read_rows(csv_bytes(table, "gb18030"))
    from_utf8 = read_rows(csv_bytes(table, "utf-8"))
    assert from_gb == from_utf8


# --- spreadsheets: any cells ---------------------------------------------------------


@given(cells=st.lists(st.dictionaries(st.sampled_from(HEADERS), ANY_CELL), min_size=1, max_size=5))
@FAST
def test_any_cells_become_drafts_or_problems_at_their_row_and_column(
    cells: list[dict[str, Any]],
) -> None:
    """Given rows of any cell values (text, huge numbers, NaN, dates, booleans), when turned
    into drafts, then each row is a draft or problems addressed to its row and column."""
    sheet = SheetRows(list(HEADERS), [(n, row) for n, row in enumerate(cells, start=2)])
    converted = convert(sheet, PLACES)
    for problem in converted.problems:
        assert problem.field is not None and problem.field[0] == "rows"
        assert int(problem.field[1]) in range(2, len(cells) + 2)
        assert problem.field[2] in HEADERS and CHINESE.search(problem.message)
    for draft in converted.drafts:
        assert draft.budget.is_finite()
        assert isinstance(draft.service_period_months, int)


# --- spreadsheets: importing any cells -----------------------------------------------


@given(
    changes=st.dictionaries(st.sampled_from(HEADERS), CELLS, max_size=3),
    dry_run=st.booleans(),
)
@fuzz_settings(40)
async def test_an_imported_list_with_any_cells_is_published_or_refused_cell_by_cell(
    stage: Stage, changes: dict[str, str], dry_run: bool
) -> None:
    """Given a valid list with up to three cells replaced by anything (huge numbers, long
    text, junk), when imported, then it is published (or checked) or refused with problems
    that name their row and column — never a crash, and nothing written when refused."""
    code = f"FZ{factories.RUN}-{factories.next_number()}"
    cells = {**valid_cells(stage, code), **changes}
    out = io.StringIO(newline="")
    csv.writer(out).writerows([HEADERS, [cells[h] for h in HEADERS]])
    before = await Project.filter(fair_id=stage.fair_id).count()
    try:
        result = await import_projects(
            stage.organizer, stage.fair_id, out.getvalue().encode(), dry_run=dry_run
        )
    except DomainError as refused:
        for problem in refused.problems:
            assert CHINESE.search(problem.message), problem
            assert problem.field, problem
        assert await Project.filter(fair_id=stage.fair_id).count() == before
    else:
        assert result.rows == 1 and len(result.project_ids) == (0 if dry_run else 1)


# --- what the fuzzing found (each fixed where it arose) ------------------------------


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("1" + "0" * 40, "超出范围"),
        (Decimal("1E+40"), "超出范围"),
        # written with an exponent: not an amount a person types, refused as such
        ("1e30", "不是有效的金额"),
        ("-1E+29", "不是有效的金额"),
        ("1e999999999", "不是有效的金额"),
    ],
)
def test_an_amount_past_28_digits_is_out_of_range_not_an_invalid_operation(amount, reason):
    """``to_money`` quantized before checking the range, and quantizing more than 28 digits
    raises ``decimal.InvalidOperation`` (and ``abs`` of a huge exponent ``Overflow``)."""
    with pytest.raises(MoneyError, match=reason):
        to_money(amount)


async def _import_refusal(stage: Stage, **cells: str) -> list[tuple[str, ...]]:
    code = f"FZ{factories.RUN}-{factories.next_number()}"
    row = {**valid_cells(stage, code), **cells}
    out = io.StringIO(newline="")
    csv.writer(out).writerows([HEADERS, [row[h] for h in HEADERS]])
    with pytest.raises(DomainError) as refused:
        await import_projects(stage.organizer, stage.fair_id, out.getvalue().encode())
    for problem in refused.value.problems:
        assert CHINESE.search(problem.message), problem
    return [tuple(p.field or ()) for p in refused.value.problems]


async def test_an_imported_name_longer_than_its_column_is_reported_at_its_cell(stage):
    """A publisher or district name longer than its column crashed the name lookup
    (Tortoise refuses such filter values); now it names nothing, at its cell."""
    fields = await _import_refusal(stage, 发布单位="社" * 65, 实施区="区" * 33)
    assert ("rows", "2", "发布单位") in fields and ("rows", "2", "实施区") in fields


@pytest.mark.parametrize("column", ["受益人数", "最少持证社工"])
async def test_an_imported_count_past_32_bits_is_reported_at_its_cell(stage, column):
    """A cell may hold any integer, a 32-bit column may not: 2**40 beneficiaries reached the
    insert and crashed it (SQLite past 2**63, PostgreSQL past 2**31)."""
    fields = await _import_refusal(stage, **{column: str(2**70)})
    assert fields == [("rows", "2", column)]
