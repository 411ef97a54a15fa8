"""Officer pages of the RIM: find a person (by document or name) and the person's page with every record of theirs."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound
from cuentas import roles
from cuentas.hooks import work_page_for
from cuentas.web import role_required

from . import selectors
from .forms import PersonSearchForm, PurposeForm
from .hooks import person_records

STAFF = (roles.OFFICER, roles.SUPERVISOR)


def _staff_with_workplace(request: HttpRequest) -> None:
    """Officers look people up from their sede or control post; supervisors oversee every one."""
    user = request.user
    if roles.SUPERVISOR in user.role_names:
        return
    if work_page_for(user) is None:
        raise DjangoPermissionDenied(_("Su usuario no tiene una sede ni un puesto de control asignado."))


@role_required(*STAFF)
def person_find(request: HttpRequest) -> HttpResponse:
    """Search by DNI, passport, carné or name; each person listed is an audited read with the chosen purpose."""
    _staff_with_workplace(request)
    if "finalidad" not in request.GET:
        # From the navigation's search field: the query is kept and the purpose asked for next.
        form = PersonSearchForm(initial={"q": request.GET.get("q", "")[:100]})
    else:
        form = PersonSearchForm(request.GET)
    matches = None
    if form.is_bound and form.is_valid():
        matches = selectors.person_search(query=form.cleaned_data["q"], limit=20, actor=request.user,
                                          purpose=form.purpose_text())
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "rim/person_find.html", {
        "form": form, "matches": matches, "purpose_code": form.cleaned_data.get("finalidad") if matches is not None else "",
    }, status=status)


@role_required(*STAFF)
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's key facts and every application or case of theirs across services (rim.hooks).

    Nothing is shown before a purpose is chosen; then the page is one audited read of the person.
    """
    _staff_with_workplace(request)
    form = PurposeForm(request.GET or None)
    if not form.is_valid():
        return render(request, "rim/person_purpose.html", {"form": form, "person_id": person_id},
                      status=400 if request.GET else 200)
    try:
        person = selectors.person_get(person_id=person_id, actor=request.user, purpose=form.purpose_text())
    except NotFound:
        raise Http404(_("No existe esa persona en el RIM."))
    return render(request, "rim/person_detail.html", {
        "person": person, "documents": person.documents.all(), "sections": person_records(person.pk),
        "residence_statuses": person.residence_statuses.all(), "permits": person.permits.all(),
        "stay_extensions": person.stay_extensions.all(), "today": timezone.localdate(),
        "purpose_code": form.cleaned_data["finalidad"], "purpose": _(form.purpose_text()),
    })
