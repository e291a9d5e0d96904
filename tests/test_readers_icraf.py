"""ICRAF / AKSARA province folders: every folder in ../shared loads or fails with a clear
one-line error, plus synthetic folders for the repairs and errors."""

import warnings

import numpy as np
import pandas as pd
import pytest

from linkage import read_table
from linkage.errors import InputFileError, UnbalancedTableWarning
from linkage.readers_icraf import read_icraf_folder

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
# Folders that cannot be a valid table, and the words their one-line error must contain
FAILS = {
    "Sulawesi_Barat": ["04_permintaan_akhir.csv", "(5, 56)", "(56, 5)", "transposed"],
    "SumSel": ["SumSel", "negative", "Kegiatan yang tak jelas batasannya", "row 60"],
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


def test_every_folder_loads_or_fails_clearly(icraf):
    folders = sorted(p for p in icraf.iterdir() if p.is_dir())
    assert len(folders) == 34
    for folder in folders:
        if folder.name in FAILS:
            with pytest.raises(InputFileError) as e:
                _read(folder)
            msg = str(e.value)
            assert "\n" not in msg
            for word in FAILS[folder.name]:
                assert word in msg, (folder.name, msg)
            continue
        t = _read(folder)
        assert t.n == SIZES[folder.name], folder.name
        assert t.employment is not None and t.employment.sum() > 0, folder.name
        assert t.name == folder.name
        raw_z = pd.read_csv(folder / "02_input_antara.csv", header=None).to_numpy(float)
        np.testing.assert_array_equal(t.Z, raw_z)


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
    d.mkdir(exist_ok=True)
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
