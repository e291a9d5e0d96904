"""ICRAF / AKSARA province folders: every folder in ../shared loads (with its repairs
reported), plus synthetic folders for the repairs, reorientations and errors."""

import time
import warnings

import numpy as np
import pandas as pd
import pytest

from linkage import linkages, read_table
from linkage.errors import DataQualityWarning, InputFileError, UnbalancedTableWarning
from linkage.io.icraf import read_icraf_folder

# Sector counts from PROVENANCE.txt of indonesia_34prov_icraf
SIZES = {
    "JaTim": 110,
    "Riau": 112,
    "Sulawesi_Selatan": 112,
    "JaTeng": 88,
    "Papua": 84,
    "DIY": 83,
    "DKIJakarta": 72,
    "SumUt": 71,
    "SumSel": 60,
    "Sulawesi_Barat": 56,
    "Jambi": 70,
    "Aceh": 66,
    "NTB": 66,
    "Maluku": 65,
    "BaBel": 60,
    "Banten": 58,
    "KalTeng": 58,
    "Sulawesi_Utara": 58,
    "Gorontalo": 55,
    "NTT": 55,
    "Bali": 54,
    "KalBar": 54,
    "Lampung": 53,
    "JaBar": 52,
    "KalSel": 50,
    "Sulawesi_Tengah": 50,
    "KalTara": 49,
    "KalTim": 49,
    "Maluku_Utara": 46,
    "Bengkulu": 45,
    "Papua_Barat": 40,
    "KepRi": 32,
    "Sulawesi_Tenggara": 32,
    "SumBar": 19,
}
# Balanced (max relative gap <= 0.1 %) according to PROVENANCE.txt
BALANCED = ["JaTim", "JaBar", "Banten", "BaBel", "Papua_Barat", "SumBar"]


def _read(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_table(path)


@pytest.fixture
def icraf(shared_data):
    return shared_data / "indonesia_34prov_icraf"


def test_every_folder_loads(icraf):
    folders = sorted(p for p in icraf.iterdir() if p.is_dir())
    assert len(folders) == 34
    start = time.perf_counter()
    for folder in folders:
        t = _read(folder)
        assert t.n == SIZES[folder.name], folder.name
        assert t.employment is not None and t.employment.sum() > 0, folder.name
        assert t.name == folder.name
        assert np.all(np.isfinite(t.x)) and np.all(t.x >= 0), folder.name
        raw_z = pd.read_csv(folder / "02_input_antara.csv", header=None).to_numpy(float)
        np.testing.assert_array_equal(t.Z, raw_z)
    # reading all 34 takes ~2.5 s on the 2-core dev machine; 30 s means something went wrong
    assert time.perf_counter() - start < 30


def _balanced_sectors(t, rtol=1e-3):
    return int((t.balance()["rel_gap"].abs() <= rtol).sum())


@pytest.mark.filterwarnings("ignore::linkage.errors.UnbalancedTableWarning")
@pytest.mark.filterwarnings("ignore:.*zero total output")
def test_sulawesi_barat_final_demand_is_read_transposed(icraf):
    folder = icraf / "Sulawesi_Barat"
    with pytest.warns(DataQualityWarning, match="04_permintaan_akhir.csv read transposed"):
        t = read_table(folder)
    (finding,) = [f for f in t.diagnostics.findings if f.code == "read_transposed"]
    assert "sectors are its columns" in finding.message and "5 rows x 56 columns" in finding.message
    raw_fd = pd.read_csv(folder / "04_permintaan_akhir.csv", header=None).to_numpy(float)
    assert raw_fd.shape == (5, 56)
    np.testing.assert_array_equal(t.final_demand.to_numpy(), np.nan_to_num(raw_fd.T))
    assert t.final_demand.columns[0] == "Pengeluaran Konsumsi Rumah Tangga dan LNPRT"
    # the reading is right: with it, 34 of 56 sectors balance to 0.1 % (a misread could not)
    assert _balanced_sectors(t) == 34


@pytest.mark.filterwarnings("ignore::linkage.errors.UnbalancedTableWarning")
@pytest.mark.filterwarnings("ignore:.*per worker")
@pytest.mark.filterwarnings("ignore:.*zero total output")
def test_sumsel_negative_output_is_a_zero_output_sector(icraf):
    folder = icraf / "SumSel"
    with pytest.warns(DataQualityWarning, match="negative for 1 sector") as rec:
        t = read_table(folder)
    msg = next(str(w.message) for w in rec if "negative for 1 sector" in str(w.message))
    for words in [
        "'Kegiatan yang tak jelas batasannya' (row 60)",
        "row total -44,536,370.36",
        "intermediate sales 0.00",
        "Konsumsi rumah tangga -38,623,299.04",
        "Konsumsi pemerintah -5,913,071.32",
        "column total 0.00, x set to 0.00",
    ]:
        assert words in msg
    assert "\n" not in msg
    raw_z = pd.read_csv(folder / "02_input_antara.csv", header=None).to_numpy(float)
    raw_fd = pd.read_csv(folder / "04_permintaan_akhir.csv", header=None).to_numpy(float)
    row = raw_z.sum(axis=1) + raw_fd.sum(axis=1)
    assert row[59] == pytest.approx(-44_536_370.36)
    assert t.x[59] == 0.0
    np.testing.assert_allclose(t.x[:59], row[:59], rtol=1e-14)
    assert t.final_demand.iloc[59].sum() == pytest.approx(-44_536_370.36)  # kept
    # the whole table: rows exceed columns almost everywhere (imports missing from the inputs)
    (unbalanced,) = [f for f in t.diagnostics.findings if f.code == "unbalanced"]
    assert "the row total is larger in 57 of them, the column total in 1" in unbalanced.message
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lk = linkages(t)
    assert np.isfinite(lk.drop(columns="key_sector").to_numpy()).all()
    assert lk.loc["Kegiatan yang tak jelas batasannya", "output_multiplier"] == 1.0


@pytest.mark.parametrize("prov", BALANCED)
def test_balanced_folders_have_no_imbalance_warning(icraf, prov):
    t = _read(icraf / prov)
    assert "unbalanced" not in t.diagnostics.codes()


def test_unbalanced_folder_still_loads_with_warning(icraf):
    with pytest.warns(UnbalancedTableWarning, match="unbalanced"):
        t = read_table(icraf / "KepRi")
    assert t.n == 32


def test_jatim_contents(icraf):
    t = read_table(icraf / "JaTim")
    assert t.sectors[0] == "Padi"
    assert t.final_demand.columns.tolist()[0] == "Konsumsi Rumah Tangga"
    assert "Upah dan gaji" in t.primary_inputs.columns
    emp = pd.read_csv(icraf / "JaTim" / "07_tenaga_kerja.csv")
    np.testing.assert_array_equal(t.employment.to_numpy(), emp["Labour"].to_numpy(float))
    fd = pd.read_csv(icraf / "JaTim" / "04_permintaan_akhir.csv", header=None).to_numpy(float)
    raw_z = pd.read_csv(icraf / "JaTim" / "02_input_antara.csv", header=None).to_numpy(float)
    np.testing.assert_allclose(t.x, raw_z.sum(axis=1) + fd.sum(axis=1), rtol=1e-14)


def test_repairs_are_reported(icraf):
    sumut = _read(icraf / "SumUt")  # 6 primary-input rows for 5 names; row 2 repeats row 1
    assert sumut.diagnostics.count("dropped_repeated_rows") == 1
    assert sumut.primary_inputs.shape[1] == 5
    assert sumut.diagnostics.count("negative_output_noise") == 1
    bengkulu = _read(icraf / "Bengkulu")  # "Permintaan akhir" named but has no column
    assert bengkulu.diagnostics.count("dropped_total_name") == 1
    dki = _read(icraf / "DKIJakarta")  # 6 columns for 5 names
    assert dki.final_demand.columns[-1] == "final demand 6 (unnamed)"
    ntt = _read(icraf / "NTT")  # output per worker far beyond juta-Rupiah range
    assert "odd_units" in ntt.diagnostics.codes()
    maluku = _read(icraf / "Maluku")  # employment as one number per line, no header
    assert maluku.employment.shape == (65,)


# ------------------------------------------------------------------ synthetic folders
def _folder(
    tmp_path,
    *,
    z=None,
    fd=None,
    pi=None,
    emp="ID,Sektor,Labour\n1,a,10\n2,b,20\n",
    fd_names="Konsumsi Rumah Tangga\nEkspor\n",
    pi_names="Impor\nUpah dan gaji\n",
):
    d = tmp_path / "Prov"
    d.mkdir(parents=True, exist_ok=True)
    files = {
        "01_sektor.csv": '"a, satu",Pertanian\nb,Industri\n',
        "02_input_antara.csv": z or "10,20\n30,40\n",
        "03_komponen_permintaan_akhir.csv": fd_names,
        "04_permintaan_akhir.csv": fd or "50,20\n100,30\n",
        "05_komponen_input_primer.csv": pi_names,
        "06_input_primer.csv": pi or "20,40\n40,100\n",
        "07_tenaga_kerja.csv": emp,
    }
    for name, text in files.items():
        if text is not None:
            (d / name).write_text(text)
    return d


def test_synthetic_folder(tmp_path):
    d = _folder(tmp_path)
    t = read_table(d)
    assert t.sectors.tolist() == ["a, satu", "b"]
    np.testing.assert_array_equal(t.x, [100, 200])
    assert float(t.balance()["rel_gap"].abs().max()) == 0.0
    assert t.employment.tolist() == [10.0, 20.0]
    assert t.diagnostics.count("employment_names") == 1  # "a" vs "a, satu": by position
    assert t.units.endswith("assumed")


def test_synthetic_folder_errors(tmp_path):
    d = _folder(tmp_path, z="10,20\n30,oops\n")
    with pytest.raises(InputFileError, match=r"02_input_antara\.csv, row 2, column 2.*'oops'"):
        read_table(d)
    d = _folder(tmp_path, z="10,20,1\n30,40,1\n")
    with pytest.raises(InputFileError, match=r"shape \(2, 3\).*2 sectors.*expected \(2, 2\)"):
        read_table(d)
    d = _folder(tmp_path, z="10,20\n30,40\n", pi="20,40\n")
    with pytest.raises(InputFileError, match=r"06_input_primer\.csv has shape \(1, 2\)"):
        read_table(d)
    d = _folder(tmp_path, pi="20,40\n40,100\n", emp="5\n")
    with pytest.raises(InputFileError, match="1 sector rows but 01_sektor.csv lists 2"):
        read_table(d)
    (d / "02_input_antara.csv").unlink()
    with pytest.raises(InputFileError, match="missing 02_input_antara.csv"):
        read_icraf_folder(d)


def test_synthetic_folder_indonesian_numbers_and_blank_lines(tmp_path):
    d = _folder(
        tmp_path,
        z="10;20\n\n30;40\n",
        fd="50;20\n100,5;-\n",
        pi="20;40\n40;70,5\n",
        emp="10\n20\n\n",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = read_table(d)
    assert t.final_demand.iloc[1, 1] == 0.0
    assert t.primary_inputs.iloc[1, 1] == 70.5
    assert float(t.balance()["rel_gap"].abs().max()) == 0.0
    assert t.diagnostics.count("skipped_empty_rows") == 2
    assert t.diagnostics.count("number_dash") == 1


def _same_table(t, ref):
    np.testing.assert_array_equal(t.Z, ref.Z)
    pd.testing.assert_frame_equal(t.final_demand, ref.final_demand)
    pd.testing.assert_frame_equal(t.primary_inputs, ref.primary_inputs)
    np.testing.assert_array_equal(t.x, ref.x)
    pd.testing.assert_series_equal(t.employment, ref.employment)


FD3 = "Konsumsi Rumah Tangga\nKonsumsi Pemerintah\nEkspor\n"
PI3 = "Impor\nUpah dan gaji\nSurplus usaha\n"


@pytest.mark.parametrize(
    "normal, transposed, found",
    [
        # header-less, 3 categories: 2 sectors fit the columns only
        ({"fd": "50,5,15\n100,10,20\n"}, {"fd": "50,100\n5,10\n15,20\n"}, "fit its 2 columns"),
        # 3 primary inputs given as one column per input (sectors as rows)
        ({"pi": "20,40\n30,70\n10,30\n"}, {"pi": "20,30,10\n40,70,30\n"}, "fit its 2 rows"),
    ],
)
def test_transposed_file_reads_to_the_same_table(tmp_path, normal, transposed, found):
    kw = {"fd_names": FD3, "pi_names": PI3, "fd": "50,5,15\n100,10,20\n"}
    kw["pi"] = "20,40\n30,70\n10,30\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ref = read_table(_folder(tmp_path / "n", **{**kw, **normal}))
    assert "read_transposed" not in ref.diagnostics.codes()
    with pytest.warns(DataQualityWarning, match="read transposed"):
        t = read_table(_folder(tmp_path / "t", **{**kw, **transposed}))
    _same_table(t, ref)
    (finding,) = [f for f in t.diagnostics.findings if f.code == "read_transposed"]
    assert found in finding.message
    assert float(t.balance()["rel_gap"].abs().max()) == 0.0


def test_orientation_from_labels_when_the_shape_cannot_tell(tmp_path):
    # 2 sectors x 2 categories: only the labels say which way the file runs
    ref = read_table(_folder(tmp_path / "n"))
    normal = 'Sektor,Konsumsi,Ekspor\n"a, satu",50,20\nb,100,30\n'
    t = read_table(_folder(tmp_path / "l", fd=normal))
    _same_table(t, ref)
    assert t.diagnostics.count("skipped_labels") == 1
    assert "read_transposed" not in t.diagnostics.codes()
    transposed = ',"a, satu",b\nKonsumsi,50,100\nEkspor,20,30\n'
    with pytest.warns(DataQualityWarning, match="sectors are its columns"):
        t = read_table(_folder(tmp_path / "t", fd=transposed))
    _same_table(t, ref)
    (finding,) = [f for f in t.diagnostics.findings if f.code == "read_transposed"]
    assert "column labels are sector names of 01_sektor.csv" in finding.message
    # header-less and square: read as it stands (and unbalanced, if it was transposed)
    with pytest.warns(UnbalancedTableWarning):
        t = read_table(_folder(tmp_path / "s", fd="50,100\n20,30\n"))
    assert t.final_demand.iloc[0].tolist() == [50.0, 100.0]
    assert "read_transposed" not in t.diagnostics.codes()


def test_transposed_employment(tmp_path):
    ref = read_table(_folder(tmp_path / "n"))
    with pytest.warns(DataQualityWarning, match="07_tenaga_kerja.csv read transposed"):
        t = read_table(_folder(tmp_path / "t", emp="10,20\n"))
    assert t.employment.tolist() == ref.employment.tolist()
    with pytest.raises(InputFileError, match=r"07_tenaga_kerja\.csv, row 1, column 2.*'x'"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read_table(_folder(tmp_path / "t", emp="10,x\n"))


def test_transposed_file_with_wrong_count_says_so(tmp_path):
    d = _folder(tmp_path, fd="50,100\n")  # one category for two names, sectors as columns
    with pytest.raises(
        InputFileError, match=r"shape \(1, 2\) \(read transposed\), expected \(2, 2\)"
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read_table(d)


@pytest.mark.parametrize(
    "z, fd, pi, x_b, rule",
    [
        # b buys 20 from a and pays 10 in primary inputs: x_b = its column total 30
        (
            "10,20\n0,0\n",
            "50,20\n-30,0\n",
            "30,5\n60,5\n",
            30.0,
            "column total 30.00, x set to 30.00",
        ),
        # b buys and pays nothing (a statistical-discrepancy row): zero output
        ("10,0\n0,0\n", "70,20\n-30,0\n", "30,0\n60,0\n", 0.0, "column total 0.00, x set to 0.00"),
    ],
)
@pytest.mark.filterwarnings("ignore::linkage.errors.UnbalancedTableWarning")
@pytest.mark.filterwarnings("ignore:.*zero total output")
def test_negative_output_warns_and_gives_a_finite_result(tmp_path, z, fd, pi, x_b, rule):
    d = _folder(tmp_path, z=z, fd=fd, pi=pi)
    with pytest.warns(DataQualityWarning, match="negative for 1 sector") as rec:
        t = read_table(d)
    msg = next(str(w.message) for w in rec if "negative for 1 sector" in str(w.message))
    assert "'b' (row 2): row total -30.00" in msg and "Konsumsi Rumah Tangga -30.00" in msg
    assert rule in msg
    np.testing.assert_array_equal(t.x, [100.0, x_b])
    assert t.final_demand.iloc[1, 0] == -30.0  # kept as published
    assert np.all(np.isfinite(t.A)) and np.all(t.A >= 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lk = linkages(t)
    assert np.isfinite(lk.drop(columns="key_sector").to_numpy()).all()
    assert "unbalanced" in t.diagnostics.codes()  # row total -30 vs x


@pytest.mark.parametrize("prov", ["Sulawesi_Barat", "SumSel"])
def test_formerly_failing_folders_run_through_analyze(icraf, prov, tmp_path):
    from click.testing import CliRunner

    from linkage.cli import main

    out = tmp_path / prov
    result = CliRunner().invoke(main, ["analyze", str(icraf / prov), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lk = pd.read_csv(out / "linkages.csv")
    assert len(lk) == SIZES[prov]
    assert np.isfinite(lk.drop(columns=["sector", "key_sector"]).to_numpy()).all()
    assert "read transposed" in result.output or "is negative for 1 sector" in result.output
