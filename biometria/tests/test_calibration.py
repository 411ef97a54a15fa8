"""Calibration: rates at a threshold, the choice of threshold, and the section it writes."""
from biometria.calibration import Rates
from biometria.management.commands.biometria_calibrate import BEGIN, END, _write_section


def test_rates_count_false_matches_and_non_matches():
    rates = Rates("face", genuine=[0.9, 0.6, 0.45], impostor=[0.1, 0.3, 0.5])
    assert rates.at(0.5) == (1 / 3, 1 / 3)
    assert rates.at(0.55) == (0.0, 1 / 3)


def test_the_chosen_threshold_is_the_strictest_without_false_matches_within_the_fnmr_budget():
    rates = Rates("face", genuine=[0.9] * 200 + [0.47], impostor=[0.2] * 50)
    grid = [0.30, 0.35, 0.40, 0.45, 0.50, 0.55]
    assert rates.choose(grid, floor=0.40) == 0.55  # one miss in 201 is within 1 %
    assert rates.choose(grid, floor=0.40, max_fnmr=0.0) == 0.45


def test_the_section_is_replaced_and_the_rest_of_the_document_kept(tmp_path):
    doc = tmp_path / "BIOMETRICS.md"
    doc.write_text(f"# Título\n\ntexto propio\n\n{BEGIN}\nviejo\n{END}\n\nepílogo\n", encoding="utf-8")
    _write_section(doc, "tabla nueva")
    text = doc.read_text(encoding="utf-8")
    assert "texto propio" in text and "epílogo" in text and "tabla nueva" in text and "viejo" not in text
