"""A year's letters as a whole: cross-letter rules, reconciliation with the table, extract."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lgo_audit.batch import nth_copy
from lgo_audit.cli import app
from lgo_audit.reader import read_source
from tests.batches import Batch, consistent_batch

runner = CliRunner()
SIZE = 15  # three letters of each authority type


def check(*args: str):
    return runner.invoke(
        app, ["check", "--isolated", "--ignore", "LGO007", "--output-format", "json", *args]
    )


def findings(result) -> list[dict]:
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def batch_codes(found: list[dict]) -> list[tuple[str, str]]:
    return sorted((Path(f["path"]).name, f["code"]) for f in found if f["code"] >= "LGO5")


@pytest.fixture(scope="module")
def batch() -> Batch:
    return consistent_batch(SIZE, seed=7)


@pytest.fixture
def folder(tmp_path, batch) -> Path:
    batch.write(tmp_path / "letters")
    return tmp_path / "letters"


def test_a_consistent_batch_has_no_finding_at_all(folder):
    assert findings(check(str(folder))) == []


def test_a_consistent_batch_agrees_with_its_table(tmp_path, folder, batch):
    table = tmp_path / "stats.csv"
    table.write_text(batch.table())
    assert findings(check(str(folder), "--data", str(table))) == []


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("upheld_average", Decimal("1"), "LGO501"),
        ("compliance_average", Decimal("1"), "LGO501"),
        ("remedy_average", Decimal("1"), "LGO501"),
        ("letter_date", None, "LGO503"),
        ("publication_date", None, "LGO503"),
        ("signatory", "Jane O'Neil-Smith", "LGO504"),
    ],
)
def test_one_injected_disagreement_is_reported_on_that_letter_only(
    tmp_path, batch, field, value, code
):
    target = 3  # a letter whose type has two other letters in the batch
    facts = batch.letters[target]
    if value is None:  # move the date by a day
        import datetime as dt

        value = getattr(facts, field) - dt.timedelta(days=1)
    batch.replace(target, facts.replace(**{field: value})).write(tmp_path / "letters")

    found = findings(check(str(tmp_path / "letters")))

    assert batch_codes(found) == [(f"letter-{target:03d}.txt", code)]
    (finding,) = [f for f in found if f["code"] == code]
    # The finding points at the statement that states the odd value, in the file as written.
    text = read_source(tmp_path / "letters" / f"letter-{target:03d}.txt").text
    line = re.split(r"\r\n|\r|\n", text)[finding["line"] - 1]
    expected = {"LGO501": "average", "LGO503": "20", "LGO504": "O'Neil-Smith"}[code]
    assert expected in line.replace("\u2019", "'")
    if code == "LGO501":
        assert "differing: letter-003.txt" in finding["message"]
        assert "stated by 2 of the 3" in finding["message"]


def test_a_differing_letter_is_named_apart_from_its_namesakes_in_other_folders(tmp_path, batch):
    # the same letters in two folders, one of them differing in the second: "letter-003.txt"
    # alone would not say which
    batch.write(tmp_path / "first")
    facts = batch.letters[3]
    changed = facts.upheld_average + 1
    batch.replace(3, facts.replace(upheld_average=changed)).write(tmp_path / "second")

    found = findings(check(str(tmp_path / "first"), str(tmp_path / "second")))

    (finding,) = [f for f in found if f["code"] == "LGO501"]
    assert Path(finding["path"]) == tmp_path / "second" / "letter-003.txt"
    assert finding["message"].endswith("(differing: second/letter-003.txt)")


def test_a_letters_findings_are_made_together_its_facts_read_once(tmp_path, batch, monkeypatch):
    """A letter that disagrees with its group under two rules (its averages and its dates) has
    a finding of each, made together: its kept facts (read back from
    the check's results) are read once, even with room for only one letter's facts."""
    import datetime as dt
    from collections import Counter

    from lgo_audit import application
    from lgo_audit.batch import Batch as LetterBatch

    target, other = 3, 2  # another letter of an odd date, judged before it
    facts = batch.letters[target]
    earlier = facts.letter_date - dt.timedelta(days=1)
    odd = batch.replace(target, facts.replace(upheld_average=Decimal("1"), letter_date=earlier))
    odd = odd.replace(other, odd.letters[other].replace(letter_date=earlier))
    odd.write(tmp_path / "letters")
    reads: Counter[int] = Counter()
    read_facts = application.Results.facts

    def counted(self, index, *args):
        reads[index] += 1
        return read_facts(self, index, *args)

    monkeypatch.setattr(application.Results, "facts", counted)
    monkeypatch.setattr(LetterBatch, "RECENT", 1)

    found = findings(check(str(tmp_path / "letters")))

    assert batch_codes(found) == [
        ("letter-002.txt", "LGO503"),
        ("letter-003.txt", "LGO501"),
        ("letter-003.txt", "LGO503"),
    ]
    assert reads[target] == 1


def test_a_duplicate_letter_is_reported_on_the_second(tmp_path, batch):
    folder = tmp_path / "letters"
    batch.write(folder)
    (folder / "letter-999.txt").write_bytes((folder / "letter-004.txt").read_bytes())

    found = findings(check(str(folder)))

    codes = batch_codes(found)
    assert ("letter-999.txt", "LGO502") in codes
    assert all(code != "LGO502" or name == "letter-999.txt" for name, code in codes)
    (duplicate,) = [f for f in found if f["code"] == "LGO502"]
    assert duplicate["message"].endswith("(the first is letter-004.txt)")  # (not its path)
    # and it points at the first letter's council name, where its own stands
    (first,) = duplicate["related"]
    assert Path(first["path"]).name == "letter-004.txt"
    assert first["message"] == "the first"
    assert (first["line"], first["column"]) == (duplicate["line"], duplicate["column"])


def test_each_later_copy_of_a_letter_is_called_by_its_place(tmp_path, batch):
    """Four letters to one council: the second, third and fourth by path are findings, each
    called by its place, each pointing at the first."""
    folder = tmp_path / "letters"
    batch.write(folder)
    for copy in ("letter-997.txt", "letter-998.txt", "letter-999.txt"):
        (folder / copy).write_bytes((folder / "letter-004.txt").read_bytes())

    found = findings(check(str(folder), "--select", "LGO502"))

    said = {Path(f["path"]).name: f["message"].split(" 20")[0] for f in found}
    assert said == {
        "letter-997.txt": "a second",
        "letter-998.txt": "a third",
        "letter-999.txt": "a fourth",
    }
    assert {Path(r["path"]).name for f in found for r in f["related"]} == {"letter-004.txt"}


@pytest.mark.parametrize(
    ("place", "said"),
    [
        (2, "a second"),
        (3, "a third"),
        (8, "an eighth"),
        (10, "a tenth"),
        (11, "an 11th"),
        (12, "a 12th"),
        (13, "a 13th"),
        (18, "an 18th"),
        (21, "a 21st"),
        (22, "a 22nd"),
        (23, "a 23rd"),
        (80, "an 80th"),
        (101, "a 101st"),
        (111, "a 111th"),
        (112, "a 112th"),
        (813, "an 813th"),
        (11_000, "an 11000th"),
        (110_000, "a 110000th"),
    ],
)
def test_a_copy_is_called_by_its_place_with_its_article(place, said):
    assert nth_copy(place) == said


@pytest.mark.parametrize("place", [1, 0, -3])
def test_the_first_letter_of_a_group_is_no_copy(place):
    with pytest.raises(ValueError, match="no copy"):
        nth_copy(place)


@pytest.mark.parametrize("order", ["x first", "y first"])
def test_the_first_of_a_duplicate_is_the_first_by_path_however_the_paths_are_typed(
    tmp_path, batch, monkeypatch, order
):
    """One folder typed relative (./x), the other absolute (/tmp/.../y): the letter in x is
    the first, in whichever order they are given (an absolute path's "/" once sorted it
    before any relative one)."""
    for name in ("x", "y"):
        batch.write(tmp_path / name)
    monkeypatch.chdir(tmp_path)
    typed = ["./x", str(tmp_path / "y")]
    found = findings(check(*(typed if order == "x first" else typed[::-1]), "--select", "LGO502"))
    duplicates = [f for f in found if f["code"] == "LGO502"]
    assert len(duplicates) == SIZE
    assert all(Path(f["path"]).parent.name == "y" for f in duplicates)
    assert all(
        f["message"].endswith(f"(the first is x/{Path(f['path']).name})") for f in duplicates
    )


def test_batch_rules_need_more_than_one_letter(tmp_path, batch):
    batch.write(tmp_path / "letters")
    one = tmp_path / "letters" / "letter-000.txt"
    assert batch_codes(findings(check(str(one)))) == []


def table_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def write_table(path: Path, rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue())


FIGURES = {
    "investigations": "upheld.investigated",
    "upheld": "upheld.decisions",
    "remedies": "remedy.count",
    "compliance_outcomes": "compliance.outcomes",
    "compliance_percent": "compliance.percent",
    "upheld_average": "upheld.average",
    "compliance_average": "compliance.average",
    "remedy_average": "remedy.average",
    "type": "authority.type",
}


@pytest.mark.parametrize("column", list(FIGURES))
@pytest.mark.parametrize("row", [0, 7, SIZE - 1])
def test_reconciliation_catches_every_single_figure_change(tmp_path, folder, batch, row, column):
    rows = table_rows(batch.table())
    old = rows[row][column]
    rows[row][column] = (
        "Unitary"
        if column == "type" and old != "Unitary"
        else "County"
        if column == "type"
        else str(Decimal(old) + 1)
        if Decimal(old) < 100
        else str(Decimal(old) - 1)
    )
    table = tmp_path / "stats.csv"
    write_table(table, rows)

    found = findings(check(str(folder), "--data", str(table)))

    differing = [f for f in found if f["code"] == "LGO510"]
    assert differing, f"changing {column} of row {row} went unnoticed"
    assert {Path(f["path"]).name for f in differing} == {f"letter-{row:03d}.txt"}
    assert any(f["message"].startswith(FIGURES[column]) for f in differing)
    assert all(f"row {row + 2}" in f["message"] for f in differing)


def test_a_letter_without_a_row_and_a_row_without_a_letter(tmp_path, folder, batch):
    rows = table_rows(batch.table())
    rows[5]["authority"] = "Nowhere District Council"
    table = tmp_path / "stats.csv"
    write_table(table, rows)

    found = findings(check(str(folder), "--data", str(table)))

    codes = sorted((Path(f["path"]).name, f["code"], f["line"]) for f in found)
    assert ("letter-005.txt", "LGO511", codes[0][2]) in codes
    assert ("stats.csv", "LGO512", 7) in codes  # row 5 is line 7: header + 1-based


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("authority,type\nX,County\n", "missing column 'year'"),
        (
            "authority,year,type,investigations,upheld,remedies,compliance_outcomes,"
            "compliance_percent,upheld_average,compliance_average,remedy_average\n"
            "Stockport,2020,Metropolitan Borough,seventeen,10,0,9,100,67,100,11\n",
            "row 2, column 'investigations': 'seventeen' is not a whole number",
        ),
        (
            "authority,year,type,investigations,upheld,remedies,compliance_outcomes,"
            "compliance_percent,upheld_average,compliance_average,remedy_average\n"
            "Stockport,2020,Metropolitan Borough,17,10,0,9,100,167,100,11\n",
            "row 2, column 'upheld_average'",
        ),
        (
            "authority,year,type,investigations,upheld,remedies,compliance_outcomes,"
            "compliance_percent,upheld_average,compliance_average,remedy_average\n"
            "Stockport,2020,Borough,17,10,0,9,100,67,100,11\n",
            "row 2, column 'type'",
        ),
    ],
)
def test_a_malformed_table_is_an_input_error_naming_row_and_column(
    tmp_path, folder, content, message
):
    table = tmp_path / "stats.csv"
    table.write_text(content)

    result = check(str(folder), "--data", str(table))

    assert result.exit_code == 2
    assert str(table) in result.output and message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_extract_round_trips_through_data(tmp_path, seed):
    batch = consistent_batch(SIZE, seed=seed)
    folder = tmp_path / "letters"
    batch.write(folder)

    extracted = runner.invoke(app, ["extract", str(folder), "--isolated", "--format", "csv"])
    assert extracted.exit_code == 0, extracted.output
    table = tmp_path / "extracted.csv"
    table.write_text(extracted.stdout)

    assert findings(check(str(folder), "--data", str(table))) == []
    source = {r["authority"]: r for r in table_rows(batch.table())}
    for row in table_rows(extracted.stdout):
        expected = source[row["authority"]]
        for column in FIGURES:
            assert (
                Decimal(row[column]) == Decimal(expected[column])
                if column != "type"
                else row[column] == expected[column]
            )


def test_extract_json_has_one_object_per_letter_with_every_fact(tmp_path, batch):
    folder = tmp_path / "letters"
    batch.write(folder)
    result = runner.invoke(app, ["extract", str(folder), "--isolated", "--format", "json"])
    rows = json.loads(result.stdout)
    assert len(rows) == SIZE
    assert {"authority", "year", "upheld", "letter_date", "signatory.name", "path"} <= set(rows[0])


def test_each_letter_is_judged_together_with_others_as_its_own_configuration_has_the_rules(
    tmp_path, batch
):
    """Letters under several configurations: a cross-letter rule judges only the letters whose
    configuration selects it, and each finding has the severity the letter's own
    configuration gives the rule. Checked together, each folder's letters get the findings
    they get checked alone (the two folders are one batch twice: they agree)."""
    from lgo_audit.application import CheckOptions, run_check

    ignoring, warning = tmp_path / "ignoring", tmp_path / "warning"
    for folder, config in (
        (ignoring, 'ignore = ["LGO502", "LGO007"]\n'),
        (warning, 'ignore = ["LGO007"]\n[severity]\nLGO502 = "warning"\n'),
    ):
        batch.write(folder)
        (folder / "letter-999.txt").write_bytes((folder / "letter-004.txt").read_bytes())
        (folder / "lgo-audit.toml").write_text(config, encoding="utf-8")

    def cross_letter(*folders: Path) -> set[tuple[str, str, str]]:
        run = run_check(list(folders), CheckOptions())
        found = {
            (str(Path(f.path).relative_to(tmp_path)), f.code, f.severity.value)
            for result in run.results
            for f in result.findings
            if f.code >= "LGO5"
        }
        run.close()
        return found

    alone = cross_letter(ignoring) | cross_letter(warning)
    assert alone == {("warning/letter-999.txt", "LGO502", "warning")}
    assert cross_letter(ignoring, warning) == alone
    assert cross_letter(warning, ignoring) == alone


@pytest.mark.parametrize(
    ("spooled", "keep_source"),
    [(False, True), (True, True), (True, False)],
    ids=["in memory", "spooled", "spooled without text"],
)
def test_a_letter_edited_after_its_check_is_never_shown_with_other_lines(
    tmp_path, monkeypatch, spooled, keep_source
):
    """The batch stage finds the places of a finding that only it made in the letter's text
    as checked: the one its result holds (a large batch's), or else its file read again. If the file has changed since the check, a finding placed from
    the file points at the file's start and shows no lines: never lines or places that are
    not the ones checked."""
    from lgo_audit import application
    from lgo_audit import batch as batch_stage
    from lgo_audit.application import CheckOptions, run_check
    from lgo_audit.span import FILE_START

    target = 3  # a letter whose type has two other letters in the batch
    letters = consistent_batch(SIZE, seed=7, encoding="utf-8")
    odd = letters.letters[target].replace(upheld_average=Decimal("1"))
    folder = tmp_path / "letters"
    letters.replace(target, odd).write(folder)
    edited = folder / f"letter-{target:03d}.txt"
    checked_text = edited.read_text(encoding="utf-8")
    judge = batch_stage.judge_batch
    options = CheckOptions(isolated=True, ignore=("LGO007",), keep_source=keep_source)

    def edited_first(*args, **kwargs):
        edited.write_bytes(b"Inserted after the check.\n" * 30 + edited.read_bytes())
        return judge(*args, **kwargs)

    monkeypatch.setattr(application, "SPOOL_FROM", 1 if spooled else 10**9)
    run = run_check([folder], options)
    (result,) = [r for r in run.results if r.path == str(edited)]
    (checked,) = [f for f in result.findings if f.code == "LGO501"]
    assert checked.span != FILE_START
    assert result.source_text == (checked_text if keep_source else None)
    run.close()

    monkeypatch.setattr(batch_stage, "judge_batch", edited_first)
    run = run_check([folder], options)
    (result,) = [r for r in run.results if r.path == str(edited)]
    (finding,) = [f for f in result.findings if f.code == "LGO501"]
    if spooled:  # placed in the text as checked, which the report shows if it shows lines
        assert finding.span == checked.span
        assert result.source_text == (checked_text if keep_source else None)
    else:
        assert finding.span == FILE_START
        assert result.source_text is None
    run.close()


def test_the_tables_own_findings_and_the_rules_described_do_not_depend_on_the_path_order(
    tmp_path,
):
    """With letters of several configurations, a rule that is not one letter's (the table's
    own LGO512, and each rule as a report describes it) takes the strictest configuration's
    severity, whatever the order of the paths (found by a fresh-clone trial)."""
    from lgo_audit.application import CheckOptions, run_check
    from tests.paths import STEVENAGE, STOCKPORT

    relaxed, plain = tmp_path / "relaxed", tmp_path / "plain"
    for folder, letter in ((relaxed, STEVENAGE), (plain, STOCKPORT)):
        folder.mkdir()
        (folder / letter.name).write_bytes(letter.read_bytes())
    (relaxed / "lgo-audit.toml").write_text('[severity]\nLGO512 = "info"\n', encoding="utf-8")
    table = tmp_path / "stats.csv"
    table.write_text("authority,year\nHertsmere Borough Council,2020\n", encoding="utf-8")

    def seen(*folders: Path) -> tuple[object, ...]:
        options = CheckOptions(select=("LGO512",), data=table)
        run = run_check(list(folders), options)
        found = [(f.code, f.severity) for r in run.results for f in r.findings]
        described = [(rule.code, rule.severity) for rule in run.rules]
        status = run.exit_status
        run.close()
        return found, described, status

    assert seen(relaxed, plain) == seen(plain, relaxed)
    found, described, status = seen(relaxed, plain)
    assert [code for code, _ in found] == ["LGO512"]
    assert found[0][1].value == "error" and status == 1  # the plain folder's, the strictest
    assert ("LGO512", found[0][1]) in described


def test_extract_takes_a_2025_letters_counts_from_its_upheld_summary():
    """The 2025 upheld panel states "We investigated 17 complaints and upheld 10." and no
    count or basis line: the table's upheld and investigations columns come from it."""
    letter = Path(__file__).resolve().parents[1] / "rules" / "base" / "2025.txt"

    result = runner.invoke(app, ["extract", str(letter), "--isolated", "--format", "json"])

    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert (row["upheld"], row["investigations"], row["upheld.summary.upheld"]) == (10, 17, 10)


def test_the_places_of_facts_keep_the_line_starts_of_the_last_files_read_only(tmp_path):
    """A batch stage that points at the facts of ten thousand letters does not keep the line
    starts of every one: only those of the last few files read (each letter's findings are
    made together)."""
    from lgo_audit.batch import _Places
    from lgo_audit.span import Span

    places = _Places()
    for number in range(_Places.KEPT + 5):
        letter = tmp_path / f"letter-{number}.txt"
        letter.write_text("Dear Sir\r\nyours\n")
        assert places.span(str(letter), (10, 15)) == Span(2, 1, 2, 6)
    assert len(places.lines) == _Places.KEPT
    assert str(tmp_path / f"letter-{_Places.KEPT + 4}.txt") in places.lines


_LOWER_AVERAGE = '''
code = "LGO901"
name = "lower-average"
severity = "error"
kind = "batch"
summary = "The averages of a group agree (its message cannot be rendered for a number)"
group = ["document.kind", "document.year", "authority.type"]
each = [{ it = "upheld.average" }, { it = "remedy.average" }]
agree = "it"
message = "{lower(value)} differs"
at = ["it"]
explanation = """
## What it checks
That the averages agree.
"""

[[examples]]
kind = "valid"
description = "one letter"
letters = [{ name = "stockport" }]

[[examples]]
kind = "invalid"
description = "one differs"
letters = [
  { name = "stockport" },
  { name = "bury", replace = [{ old = "average of 67%", new = "average of 65%" }] },
]
letter = 1
message = "rule could not be evaluated"
'''


def test_a_cross_letter_message_that_cannot_be_rendered_is_a_finding_naming_the_rule(
    tmp_path, batch
):
    """A team rule whose message fails on a letter's values (``lower()`` of a number) is a
    finding of that rule on the letter, saying why and which entry, at the file's start (as
    a per-letter rule's is), not an internal error that names neither the rule nor the file."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "LGO901-lower-average.toml").write_text(_LOWER_AVERAGE, encoding="utf-8")
    target = 3
    odd = batch.letters[target].replace(upheld_average=Decimal("1"))
    batch.replace(target, odd).write(tmp_path / "letters")

    result = check(str(tmp_path / "letters"), "--rule-dir", str(rules), "--select", "LGO901")

    assert result.exit_code == 1, result.output
    (finding,) = json.loads(result.stdout)
    assert Path(finding["path"]).name == f"letter-{target:03d}.txt"
    assert finding["code"] == "LGO901"
    assert finding["message"].startswith(
        "rule could not be evaluated (each entry 1 of 2): lower(): "
    )
    assert finding["line"] == 1


def _disagreeing_batch(tmp_path: Path, batch: Batch) -> Path:
    """The batch with two letters that disagree with their groups (averages, dates)."""
    import datetime as dt

    target, other = 3, 2
    facts = batch.letters[target]
    earlier = facts.letter_date - dt.timedelta(days=1)
    odd = batch.replace(target, facts.replace(upheld_average=Decimal("1"), letter_date=earlier))
    odd = odd.replace(other, odd.letters[other].replace(letter_date=earlier))
    folder = tmp_path / "letters"
    odd.write(folder)
    return folder


def _judged(folder: Path, *, settle: bool):
    """The batch stage's judgement on the letters of ``folder``, from their checked facts."""
    from lgo_audit.batch import Batch as LetterBatch
    from lgo_audit.batch import judge_batch, kept_names
    from lgo_audit.check import check_files
    from lgo_audit.config import Settings
    from lgo_audit.rules import rules_for

    rules = rules_for(())
    paths = sorted(folder.iterdir())
    results = list(check_files([(p, Settings()) for p in paths], 1))
    letters = LetterBatch(sorted(kept_names(rules)), lambda i: results[i].facts)
    for result in results:
        letters.add(
            result.path,
            [result.facts[n].value if n in result.facts else ... for n in letters.names],
        )
    return judge_batch(letters, rules, settle=settle), len(paths)


def test_findings_made_when_asked_for_are_those_made_at_once(tmp_path, batch):
    """Judged with ``settle=False``, each letter's cross-letter findings are made when the
    report asks for them (never all held): the same findings, in the same order, as made
    at once; and counting them (codes and severities, for the totals a report shows
    first) makes none of their messages."""
    folder = _disagreeing_batch(tmp_path, batch)
    at_once, size = _judged(folder, settle=True)
    asked, _ = _judged(folder, settle=False)

    made = {i: asked.findings_of(i) for i in range(size) if asked.findings_of(i)}
    assert made == {i: found for i, found in at_once.findings.items() if found}
    assert sorted(made) == [2, 3]
    for letter, found in made.items():
        counted = asked.counted_of(letter)
        assert [(f.code, f.severity) for f in counted] == [(f.code, f.severity) for f in found]
        assert all(f.message == "" for f in counted)
    asked.settle()
    assert {i: f for i, f in asked.findings.items() if f} == made


def test_a_large_batchs_report_makes_each_cross_letter_finding_once(tmp_path, batch, monkeypatch):
    """A report that counts its findings before writing them (JUnit's totals come first)
    makes each letter's cross-letter findings once, when it writes that letter."""
    from collections import Counter

    from lgo_audit import application
    from lgo_audit import batch as batch_stage

    folder = _disagreeing_batch(tmp_path, batch)
    made: Counter[int] = Counter()
    settled = batch_stage._settled

    def counted(stage, letter, *args, **kwargs):
        made[letter] += 1
        return settled(stage, letter, *args, **kwargs)

    monkeypatch.setattr(batch_stage, "_settled", counted)
    monkeypatch.setattr(application, "SPOOL_FROM", 1)
    result = check(str(folder), "--output-format", "junit")

    assert result.stdout.count("<failure") == 3
    assert made and set(made.values()) == {1}


def test_the_batch_stage_reads_a_letter_once_for_its_places_or_not_at_all(
    tmp_path, batch, monkeypatch
):
    """A letter a cross-letter rule finds something in is read again once (to see that it
    is what was checked, and for the places of its facts), or not at all when its result
    holds its text as checked (a large batch's, whatever the report)."""
    from collections import Counter

    from lgo_audit import application, reader
    from lgo_audit import check as check_stage

    folder = _disagreeing_batch(tmp_path, batch)
    reads: Counter[str] = Counter()
    read_bytes = reader.read_bytes

    def counted(path, *args, **kwargs):
        reads[Path(path).name] += 1
        return read_bytes(path, *args, **kwargs)

    monkeypatch.setattr(reader, "read_bytes", counted)
    monkeypatch.setattr(check_stage, "PARALLEL_THRESHOLD", 10**9)  # (counted here)

    monkeypatch.setattr(application, "SPOOL_FROM", 10**9)  # results in memory
    assert check(str(folder)).exit_code == 1
    assert reads["letter-003.txt"] == 2  # checked, then read again once
    monkeypatch.setattr(application, "SPOOL_FROM", 1)  # a large batch's: spooled
    for output_format in ("json", "full"):
        reads.clear()
        shown = check(str(folder), "--output-format", output_format)
        assert shown.exit_code == 1 and "letter-003.txt" in shown.stdout
        assert reads["letter-003.txt"] == 1, output_format  # checked only


@pytest.mark.parametrize("output_format", ["json", "full"])
def test_a_letter_checked_under_a_larger_size_limit_keeps_the_places_of_its_batch_findings(
    tmp_path, batch, output_format
):
    """A letter larger than the default size limit, checked under a larger ``max-file-size``,
    is read again within that limit for the places of its cross-letter findings: they point
    at its facts, as a small letter's do, not at its start."""
    from lgo_audit.reader import DEFAULT_MAX_BYTES

    folder = _disagreeing_batch(tmp_path, batch)
    letter = folder / "letter-003.txt"
    padding = b"\n" * (DEFAULT_MAX_BYTES + 1)  # blank lines after the panels
    letter.write_bytes(letter.read_bytes() + padding)
    limit = str(2 * DEFAULT_MAX_BYTES)

    found = findings(check(str(folder), "--max-file-size", limit, "--output-format", "json"))
    (finding,) = [
        f for f in found if f["code"] == "LGO501" and f["path"].endswith("letter-003.txt")
    ]
    assert finding["line"] > 1
    if output_format == "full":
        shown = check(str(folder), "--max-file-size", limit, "--output-format", "full")
        assert f"letter-003.txt:{finding['line']}:{finding['column']}: LGO501" in shown.stdout


def test_letters_of_one_file_name_are_named_by_the_folders_that_tell_them_apart():
    from lgo_audit.batch import _short_names

    paths = [
        "/q/2024/bury.txt",
        "/q/2025/bury.txt",
        "/r/x/2024/bury.txt",
        "/q/2024/stockport.txt",
        "/q/2024/stockport.txt",  # (one file given twice: its own name)
    ]
    assert _short_names(paths) == {
        "/q/2024/bury.txt": "q/2024/bury.txt",
        "/q/2025/bury.txt": "2025/bury.txt",
        "/r/x/2024/bury.txt": "x/2024/bury.txt",
    }


_FACT_NAMES = ("authority.name", "letter_date", "upheld.average", "title.year")
_ANY_VALUE = st.one_of(
    st.just(...),
    st.sampled_from([Decimal("59"), Decimal("59.0"), "Bury Council", 2024, None]),
    st.integers(-3, 3),
)


@settings(max_examples=80, deadline=None)
@given(
    letters=st.lists(
        st.one_of(st.none(), st.tuples(*[_ANY_VALUE] * len(_FACT_NAMES))), max_size=12
    ),
    group=st.lists(st.sampled_from((*_FACT_NAMES, "upheld.count")), min_size=1, max_size=3),
)
def test_a_letters_group_key_is_its_values_of_the_groups_facts(letters, group):
    """What a rule groups letters by, read at once (``Batch.keys_of``), is each of the
    group's facts read one by one: None for a fact the letter lacks, or that no entry has
    (read from the letter's kept facts), and for an entry that is no letter."""
    from lgo_audit.batch import Batch as LetterBatch

    stage = LetterBatch(_FACT_NAMES, lambda i: {})
    for number, values in enumerate(letters):
        stage.add(f"letter-{number}.txt", values)
    key_of = stage.keys_of(group)
    for number in range(len(letters)):
        assert key_of(number) == tuple(stage.value(number, name) for name in group)


def test_a_value_the_language_does_not_admit_is_no_vote_on_what_letters_agree_on():
    """A value no expression may read (a name beyond the language's bounds on strings) is
    passed over when the letters of a group are asked what they agree on, however many
    letters share it: here three of four readable letters are signed alike, and the fourth
    is the one that differs."""
    from lgo_audit.batch import Batch as LetterBatch
    from lgo_audit.batch import judge_batch
    from lgo_audit.rules import rules_for

    (rule,) = [r for r in rules_for(()) if r.code == "LGO504"]  # signatory-differs
    names = ("document.kind", "document.year", "signatory.name")
    stage = LetterBatch(names, lambda i: {})
    unreadable = "x" * 20_000
    signed = ["Michael King", unreadable, unreadable, "Michael King", unreadable]
    for number, signatory in enumerate([*signed, "Jane Martin", "Michael King"]):
        stage.add(f"letter-{number}.txt", ("letter", 2024, signatory))
    judged = judge_batch(stage, [rule], settle=False)
    assert sorted(i for i, found in judged.findings.items() if found) == [5]


def test_a_view_since_a_letter_has_only_the_letters_from_it_on_with_their_numbers():
    """``Batch.since(n)``: the same entries, numbered as in the batch, of which only those from
    ``n`` on are letters (what the batch stage judges when asked about the latest letters)."""
    from lgo_audit.batch import Batch

    batch = Batch(("x",), lambda index: {})
    for index in range(6):
        batch.add(f"{index}.txt", None if index == 4 else [index])
    view = batch.since(3)
    assert list(view.numbers()) == [3, 5]
    assert list(batch.numbers()) == [0, 1, 2, 3, 5]  # (the batch itself unchanged)
    assert view.value(5, "x") == 5 and view.paths == batch.paths
