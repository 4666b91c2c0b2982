"""Uploaded pairs: the strict parser on fixture files, one per rule, and the upload task."""

from pathlib import Path

import pytest

from seq2seq_core import make_task
from seq2seq_core.tasks.upload import UploadError, UploadLimits, parse_pairs

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"


def parse(name, limits=UploadLimits()):
    return parse_pairs((FIXTURES / name).read_bytes(), name, limits)


def test_good_tsv_keeps_quotes_and_na_null_as_text_and_skips_the_header():
    pairs = parse("good.tsv")
    assert len(pairs) == 24  # 25 lines, the first a header
    assert pairs[0].source == "apple" and pairs[0].target == "elppa"
    as_dict = {p.source: p.target for p in pairs}
    assert as_dict['"quoted"'] == '"detouq"'  # quotes kept literally
    assert as_dict["NA"] == "AN" and as_dict["null"] == "llun" and as_dict["None"] == "enoN"
    assert "source" not in as_dict


@pytest.mark.parametrize("name", ["bom.tsv", "crlf.tsv", "bom_crlf.csv"])
def test_bom_and_crlf_are_handled(name):
    pairs = parse(name)
    assert len(pairs) == 24
    assert pairs[0].source == "apple"  # no BOM glued to the first source
    assert all("\r" not in p.target and "\ufeff" not in p.source for p in pairs)
    assert pairs[-1].target == "nonex"


@pytest.mark.parametrize("name, line, words", [
    ("wrong_columns.tsv", 4, ["found 3 column(s)", "tabs", "exactly 2"]),
    ("wrong_columns.csv", 7, ["found 3 column(s)", "commas", "save as TSV"]),
    ("one_column.tsv", 8, ["found 1 column(s)", "exactly 2"]),
    ("empty_target.tsv", 4, ["the target is empty", "fill it in or delete the line"]),
    ("empty_source.tsv", 2, ["the source is empty"]),
    ("undecodable.tsv", 3, ["not UTF-8", "Save the file as UTF-8"]),
])
def test_bad_line_is_named_with_its_fix(name, line, words):
    with pytest.raises(UploadError) as info:
        parse(name)
    message = str(info.value)
    assert f"{name}, line {line}:" in message and info.value.line == line
    for word in words:
        assert word in message


def test_too_few_pairs():
    with pytest.raises(UploadError, match=r"holds 5 pair\(s\); at least 20 .* Add more lines"):
        parse("too_few.tsv")
    assert len(parse("too_few.tsv", UploadLimits(min_pairs=5))) == 5


def test_file_over_the_size_limit():
    size = (FIXTURES / "too_big.tsv").stat().st_size
    with pytest.raises(UploadError, match=f"{size:,} bytes; the limit is 100"):
        parse("too_big.tsv", UploadLimits(max_bytes=100))
    assert len(parse("too_big.tsv", UploadLimits(max_bytes=size))) == 24


def test_too_many_rows():
    with pytest.raises(UploadError, match="line 11: more than 10 pairs"):
        parse("too_big.tsv", UploadLimits(max_rows=10))


def test_upload_task_splits_by_source_and_keeps_alternatives():
    pairs = parse("good.tsv") + parse("bom.tsv")[:2]  # two duplicated pairs
    task = make_task("upload", pairs=pairs, seed=3, n_heldout=4)
    assert task.name == "upload" and len(task.heldout) == 4
    assert not {p.source for p in task.train} & {p.source for p in task.heldout}
    assert len(task.train) == 20  # 24 distinct sources, 4 held out; duplicates dropped
    assert task == make_task("upload", pairs=pairs, seed=3, n_heldout=4)  # deterministic
    default = make_task("upload", pairs=pairs)
    assert len(default.heldout) == 2  # a tenth of 24 sources


def test_upload_task_refuses_no_data():
    with pytest.raises(ValueError, match="no uploaded pairs"):
        make_task("upload")


def test_cli_trains_on_an_uploaded_file(tmp_path, capsys):
    from seq2seq_core.cli import main
    out = tmp_path / "run"
    code = main(["train", "--task", "upload", "--pairs", str(FIXTURES / "good.tsv"),
                 "--steps", "2", "--eval-every", "0", "--emb-dim", "4", "--hidden-dim", "8",
                 "--out", str(out)])
    assert code == 0 and (out / "config.json").is_file()
    assert main(["train", "--task", "upload", "--out", str(out)]) == 2
    assert "needs --pairs FILE" in capsys.readouterr().err
    assert main(["train", "--task", "upload", "--pairs", str(FIXTURES / "too_few.tsv"),
                 "--out", str(out)]) == 2
    assert "too_few.tsv holds 5 pair(s)" in capsys.readouterr().err
