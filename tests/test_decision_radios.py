"""Every decision an officer (or a citizen reporting a loss) takes among radio buttons: inside a <fieldset>
named by its <legend>, none chosen in advance, and a missing choice said on the fieldset and in the summary."""
import re

import pytest
from django.template.loader import render_to_string

from biometria.forms import CaseDecisionForm
from biometria.models import DuplicateCase
from control.forms import ReviewForm as CrossingReviewForm
from pasaporte.forms import DuplicateDecisionForm, LossReportForm, ReviewForm

FORMS = {
    "control: crossing review": (lambda data=None: CrossingReviewForm(data), "admit", "Decisión"),
    "pasaporte: observed application": (lambda data=None: ReviewForm(data), "decision", "Decisión"),
    "pasaporte: duplicate case": (lambda data=None: DuplicateDecisionForm(data), "decision", "Decisión"),
    "pasaporte: lost or stolen": (lambda data=None: LossReportForm(data), "status", "¿Qué pasó con su pasaporte?"),
    "biometria: replacement case": (lambda data=None: CaseDecisionForm(data, kind=DuplicateCase.Kind.REPLACEMENT),
                                    "decision", "Decisión"),
    "biometria: duplicate case": (lambda data=None: CaseDecisionForm(data, kind=DuplicateCase.Kind.DUPLICATE),
                                  "decision", "Decisión"),
}


def _fieldset(page: str, name: str) -> str:
    found = re.search(rf'<fieldset[^>]*id="id_{name}"[^>]*>.*?</fieldset>', page, re.S)
    assert found, page
    return found.group(0)


@pytest.mark.parametrize("which", FORMS)
def test_the_choices_are_a_fieldset_with_a_legend_and_none_is_chosen(which):
    make, name, legend = FORMS[which]
    page = render_to_string("includes_form.html", {"form": make()})
    fieldset = _fieldset(page, name)
    assert f"<legend>{legend}</legend>" in fieldset
    radios = re.findall(rf'<input type="radio" name="{name}"[^>]*>', fieldset)
    assert len(radios) >= 2 and not any("checked" in radio for radio in radios)
    # each option has its own label beside it
    for index in range(len(radios)):
        assert f'<label for="id_{name}_{index}" class="check">' in fieldset


@pytest.mark.parametrize("which", FORMS)
def test_a_missing_choice_is_said_on_the_fieldset_and_linked_from_the_summary(which):
    make, name, _legend = FORMS[which]
    form = make({"reason": "Revisado con el documento"})
    assert not form.is_valid()
    page = render_to_string("includes_form.html", {"form": form})
    fieldset = _fieldset(page, name)
    message = form.errors[name][0]
    # the message is inside the fieldset, which points at it; the summary links to the first option
    assert 'class="field radios field-error"' in fieldset and f'aria-describedby="id_{name}_error"' in fieldset
    assert f'<ul class="errorlist" id="id_{name}_error">' in fieldset and message in fieldset
    assert f'href="#id_{name}_0"' in page and page.count(message) == 2
    assert "Elija una de las opciones" not in page  # the service's words, not Django's
