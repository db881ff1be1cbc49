"""Every run option declared once (issue 29, item 1): the ChainConfig field's declaration
(:mod:`zorgcap.forecast.options`) gives the command line, its help with the default, the
validation and ``to_dict``. These tests re-check construction: they fail when a path of the
derivation is bypassed (an option typed in by hand, a default written twice)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from zorgcap.forecast import ChainConfig
from zorgcap.forecast.cli import _chain_config, build_parser
from zorgcap.forecast.options import Option, flag_name, planner_options, spec

ROOT = Path(__file__).resolve().parents[1]
FIELDS = dataclasses.fields(ChainConfig)


def _subparser(name: str):
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices[name]


def test_every_field_is_declared_with_help():
    for f in FIELDS:
        o = spec(f)
        assert isinstance(o, Option) and len(o.help) > 10, f.name


@pytest.mark.parametrize("command", ["report", "gap", "forecast", "monitor"])
def test_every_field_is_in_the_help_with_its_default(command):
    sub = _subparser(command)
    text = re.sub(r"\s+", " ", sub.format_help())
    helps = {a.dest: re.sub(r"\s+", " ", a.help % {}) for a in sub._actions if a.help}
    for f in FIELDS:
        assert flag_name(f.name) in text, (command, f.name)
        default = f.default
        shown = ("none" if default is None else "off" if default is False
                 else ",".join(map(str, default)) if isinstance(default, tuple) else str(default))
        assert helps[f.name].endswith(f"(default: {shown})"), (command, f.name, helps[f.name])
        # as --help prints it (wrapped lines may break after a hyphen)
        assert helps[f.name].replace("- ", "-") in text.replace("- ", "-")


def test_the_command_line_defaults_are_the_config_defaults():
    args = build_parser().parse_args(["report"])
    assert _chain_config(args) == ChainConfig()
    assert ChainConfig().seed == 20240101 and ChainConfig().draws == 200  # schema.SEED, DRAWS


def test_arguments_reach_the_config():
    args = build_parser().parse_args(
        ["gap", "--to", "2035", "--occupancy", "0.95", "--waiting", "none", "--regions",
         "zk01, ZK02", "--level", "50,90", "--accept-unusual", "--regional-convergence", "2040"])
    c = _chain_config(args)
    assert (c.to, c.occupancy, c.waiting, c.regions, c.level, c.accept_unusual,
            c.regional_convergence) == (2035, 0.95, None, ("ZK01", "ZK02"), (50, 90), True,
                                        2040)


def test_data_is_taken_before_and_after_the_subcommand(tmp_path):
    parser = build_parser()
    assert parser.parse_args(["report", "--data", str(tmp_path)]).data == str(tmp_path)
    assert parser.parse_args(["--data", str(tmp_path), "report"]).data == str(tmp_path)
    assert parser.parse_args(["report"]).data is None
    assert parser.parse_args(["data", "status", "--data", str(tmp_path)]).data == str(tmp_path)
    assert _chain_config(parser.parse_args(["gap", "--data", str(tmp_path)])).data \
        == str(tmp_path)


def test_validation_follows_the_declaration():
    with pytest.raises(ValueError, match=r"`occupancy` was 2 but is expected to be .*0\.5"):
        ChainConfig(occupancy=2)
    with pytest.raises(ValueError, match=r"`workforce` was 'all' .* one of \['letters', "
                                         "'replacement'\\]"):
        ChainConfig(workforce="all")
    with pytest.raises(ValueError, match="`to` was 2051"):
        ChainConfig(to=2051)
    assert ChainConfig(to=2030, regions=("zk20",)).regions == ("ZK20",)
    with pytest.raises(ValueError, match="`capacity` was 'no-such.csv' but no such file"):
        ChainConfig(capacity="no-such.csv")


def test_planner_options_are_the_gap_stage_options():
    assert set(planner_options(ChainConfig)) == {
        "capacity", "plans", "plans_elsewhere", "status_file", "waiting", "waiting_file",
        "fte_per_place", "staff_ratios", "workforce", "workforce_file", "clustered_share",
        "intramural_cap", "reference", "accept_unusual"}


def test_every_planner_file_says_what_stands_in_without_it():
    from zorgcap.forecast.options import planner_files

    files = planner_files(ChainConfig)
    assert len(files) == 9 and all(o.file and o.without for o in files.values())
    assert files["status_file"].without == "data_raw/plan_status.csv"


def test_to_dict_has_every_field():
    assert list(ChainConfig().to_dict()) == [f.name for f in FIELDS]


def test_the_docstring_documents_every_field():
    doc = ChainConfig.__doc__
    for f in FIELDS:
        assert re.search(rf"^    {f.name} : ", doc, flags=re.M), f.name


def test_each_default_is_written_once():
    """The seed 20240101 was written 9 times; it is now schema.SEED only."""
    hits = [p for d in ("forecast", "regions", "reports") for p in (ROOT / d).rglob("*.py")
            if "20240101" in p.read_text(encoding="utf-8")]
    assert [p.relative_to(ROOT).as_posix() for p in hits] == ["forecast/schema.py"]
