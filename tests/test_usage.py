"""Usage rates (zorgcap.forecast.usage)."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import needs_data

from zorgcap.forecast import usage as U
from zorgcap.forecast.errors import InputError


@needs_data
def test_wlz_vv4_to_vv10_with_stay_is_the_sum_of_the_zzp_rows():
    w = U.wlz_vv().set_index("year")
    # CBS 84529NED 2023, Zin verblijf: VV4 13,580 + VV5 61,175 + VV6 32,890 + VV7 14,830 +
    # VV8 2,490 + VV9b 1,140 + VV10 0 = 126,105 (VV1-VV3 with stay, 200, excluded).
    assert w.loc[2023, "with_stay"] == 126_105
    assert w.loc[2023, "vpt"] == 18_405 and w.loc[2015, "vpt"] == 4_035
    assert list(w.index) == list(range(2015, 2024))


@pytest.mark.calibration
@needs_data
def test_base_year_rates_reproduce_the_observed_clients():
    rates = U.usage_rates(2023)
    inst = U.institutional_rates().query("year == 2023")
    total = (rates.set_index(["sex", "age"])["rate"]
             * inst.set_index(["sex", "age"])["persons"]).sum()
    assert total == pytest.approx(126_105, rel=1e-9)
    # kappa: Wlz clients with stay vs BRP residents of care homes; close to 1 (0.95).
    assert rates["kappa"].nunique() == 1 and 0.85 < rates["kappa"].iloc[0] < 1.05
    r = rates.set_index(["sex", "age"])["rate"]
    assert r["female", 90] > r["male", 90] > r["female", 75]  # rises steeply with age
    assert (rates.nursing_share.between(0, 1)).all()


@needs_data
def test_nursing_share_above_75_is_high():
    share = U.nursing_share().set_index(["sex", "age"])["share"]
    assert (share.loc[(slice(None), slice(80, 95))] > 0.85).all()


def _rates_csv(tmp_path, drop=None, **change):
    from zorgcap.forecast.mortality import SEXES
    from zorgcap.forecast.population import AGES

    frame = pd.DataFrame([(s, a, 0.01) for s in SEXES for a in AGES],
                         columns=["sex", "age", "rate"])
    for (i, col), value in change.get("cells", {}).items():
        frame.loc[i, col] = value
    if drop is not None:
        frame = frame.drop(index=drop)
    path = tmp_path / "rates.csv"
    frame.to_csv(path, index=False)
    return path


def test_rates_file_with_missing_ages_is_refused(tmp_path):
    path = _rates_csv(tmp_path, drop=[90, 91])
    with pytest.raises(InputError, match=r"rates\.csv: 2 sex x age rows are missing "
                                         r"\(male 90, male 91\)"):
        U.read_rates_file(path)


@pytest.mark.parametrize("cells,match", [
    ({(3, "rate"): 1.5}, r"row 5, column 'rate'.*not a share"),
    ({(3, "sex"): "man"}, r"row 5, column 'sex'.*unknown sex 'man'"),
    ({(3, "age"): 120}, r"row 5, column 'age'.*not a whole number 0..95"),
])
def test_rates_file_bad_cells(tmp_path, cells, match):
    with pytest.raises(InputError, match=match):
        U.read_rates_file(_rates_csv(tmp_path, cells=cells))
