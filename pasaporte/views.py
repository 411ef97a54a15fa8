"""Pages of the e-passport service: citizen (pay, book, follow), officer (today, enroll, deliver), supervisor."""
import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cuentas.kept_files import KeptFiles
from cuentas.web import role_required, show_error
from core.errors import ApplicationError, Conflict

from . import biometrics, selectors, services
from citas import selectors as citas_selectors
from citas.ics import appointment_ics
from documentos.rendering import pdf_attachment as _pdf
from documentos.selectors import document_pdf

from .forms import (AppointmentCancelForm, DeliveryForm, DuplicateDecisionForm, EnrollmentForm, LossReportForm,
                    ReceiptForm, ReviewForm)
from .models import Application


# --- citizen -------------------------------------------------------------------------------------

DOWNLOAD_PURPOSE = "el titular descarga su documento"

@role_required("citizen")
def home(request: HttpRequest) -> HttpResponse:
    application = selectors.application_current(request.user)
    context = {"application": application, "pending_payment": selectors.payment_pending(request.user),
               "passports": selectors.citizen_passports(request.user)}
    if application is not None:
        context.update(timeline=selectors.application_timeline(application),
                       checks=selectors.application_checks(application),
                       appointment=selectors.appointment_active(application),
                       bookable=application.status in services.appointments.BOOKABLE,
                       paid=application.payment.status == application.payment.Status.PAID)
        if application.status == Application.Status.READY and application.office is not None:
            context.update(collect_until=services.passport_collect_until(application),
                           office_hours=citas_selectors.office_hours_text(application.office))
    return render(request, "pasaporte/home.html", context)


@role_required("citizen")
def pay(request: HttpRequest) -> HttpResponse:
    form = ReceiptForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("method") == "order":
                payment = services.payment_order_create(
                    actor=request.user,
                    # From SITE_URL, not the request's Host header (which the client chooses).
                    notify_url=settings.SITE_URL + reverse("pagos_api:payment_notification"),
                    return_url=settings.SITE_URL + reverse("pasaporte:pay_return"),
                )
                return redirect(payment.pay_url)
            if form.is_valid():
                payment = services.payment_receipt_register(actor=request.user, **form.cleaned_data)
                if payment.status != payment.Status.PAID:
                    messages.warning(request, payment.status_reason)
                    return redirect("pasaporte:home")
                messages.success(request, _("Pago verificado con el Banco de la Nación. Ya puede reservar su cita."))
                return redirect("pasaporte:book")
        except ApplicationError as exc:
            show_error(request, exc, form)
    response = render(request, "pasaporte/pay.html", {"form": form, "fee": services.fee_current()})
    # The "pay online" form ends on the bank's page (a redirect), which CSP's form-action must allow.
    bank = urlsplit(settings.BANCO_NACION_URL)
    response._csp_update = {"form-action": [f"{bank.scheme}://{bank.netloc}"]}
    return response


@role_required("citizen")
def pay_return(request: HttpRequest) -> HttpResponse:
    """Back from the bank's page: the signed notification may arrive a moment after the citizen."""
    application = selectors.application_current(request.user)
    paid = application is not None and application.status == Application.Status.PAID
    if request.headers.get("X-Poll") == "1":
        # The waiting page asks in the background; the browser then comes back here to be sent on.
        return render(request, "pasaporte/pay_wait_region.html", {"paid": paid})
    if paid:
        messages.success(request, _("Pago confirmado por el Banco de la Nación. Ya puede reservar su cita."))
        return redirect("pasaporte:book")
    return render(request, "pasaporte/pay_wait.html", {"paid": False})


@role_required("citizen")
def book(request: HttpRequest) -> HttpResponse:
    application = selectors.application_current(request.user)
    if application is None or application.status not in services.appointments.BOOKABLE:
        messages.error(request, _("Primero pague la tasa del pasaporte."))
        return redirect("pasaporte:pay")
    appointment = selectors.appointment_active(application)
    if request.method == "POST":
        try:
            slot_id = int(request.POST.get("slot", "0"))
            if appointment is not None:
                services.appointment_reschedule(actor=request.user, application_id=application.pk, slot_id=slot_id)
                messages.success(request, _("Su cita fue reprogramada."))
                return redirect(reverse("pasaporte:appointment_confirmation") + "?reprogramada=1")
            services.appointment_book(actor=request.user, application_id=application.pk, slot_id=slot_id)
            messages.success(request, _("Su cita está reservada."))
            return redirect("pasaporte:appointment_confirmation")
        except ApplicationError as exc:
            show_error(request, exc)
        except ValueError:
            messages.error(request, _("Elija un turno."))
    offices = selectors.offices_active()
    office = selectors.office_by_code(request.GET.get("sede", "")) or (appointment.slot.office if appointment else None)
    context = {"application": application, "appointment": appointment, "offices": offices, "office": office}
    if office is not None:
        services.slots_ensure(office=office)
        days = selectors.next_free_days(office=office)
        day = _parse_day(request.GET.get("dia")) or (days[0].day if days else None)
        context.update(days=days, day=day, slots=selectors.free_slots(office=office, day=day) if day else [])
    return render(request, "pasaporte/book.html", context)


def _parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@role_required("citizen")
def cancel_appointment(request: HttpRequest) -> HttpResponse:
    """GET: what cancelling the cita does, and its reason asked; POST: cancel it (nothing changes on GET)."""
    application = selectors.application_current(request.user)
    appointment = selectors.appointment_active(application) if application is not None else None
    if appointment is None:
        messages.error(request, _("No tiene una cita vigente."))
        return redirect("pasaporte:home")
    form = AppointmentCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_cancel(actor=request.user, application_id=application.pk,
                                        reason=form.cleaned_data["reason"])
            messages.success(request, _("Su cita fue anulada y el turno quedó libre. Le enviamos la confirmación."))
            return redirect("pasaporte:home")
        except ApplicationError as exc:
            show_error(request, exc, form)
    return render(request, "pasaporte/cancel_appointment.html", {
        "form": form, "appointment": appointment, "application": application,
        "reference": citas_selectors.appointment_reference(appointment)})


@role_required("citizen")
def report_loss(request: HttpRequest, document_id: int) -> HttpResponse:
    """GET: what cancelling a passport does (for good), what happened and why asked; POST: cancel it."""
    passport = selectors.citizen_passports(request.user).filter(pk=document_id).first()
    if passport is None:
        raise Http404
    if passport.status != passport.Status.VIGENTE:
        messages.error(request, _("El pasaporte N.º %(n)s ya no está vigente: no hay nada que anular.")
                       % {"n": passport.number})
        return redirect("pasaporte:home")
    form = LossReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.passport_report_loss(actor=request.user, document_id=passport.pk,
                                                      status=form.cleaned_data["status"],
                                                      reason=form.cleaned_data["reason"])
            messages.success(request, _("El pasaporte N.º %(n)s quedó anulado. Le enviamos la confirmación.")
                             % {"n": document.number})
            return redirect("pasaporte:home")
        except ApplicationError as exc:
            show_error(request, exc, form)
    return render(request, "pasaporte/report_loss.html", {"form": form, "passport": passport})


@role_required("citizen")
def appointment_confirmation(request: HttpRequest) -> HttpResponse:
    """After booking or moving a cita: its reference, where and when, what to bring, the voucher and the .ics."""
    application = selectors.application_current(request.user)
    appointment = selectors.appointment_active(application) if application is not None else None
    if appointment is None:
        return redirect("pasaporte:home")
    office = appointment.slot.office
    return render(request, "pasaporte/appointment_confirmation.html", {
        "application": application, "appointment": appointment, "office": office,
        "rescheduled": request.GET.get("reprogramada") == "1",
        "reference": citas_selectors.appointment_reference(appointment),
        "ends_at": citas_selectors.appointment_ends_at(appointment),
        "hours": citas_selectors.office_hours_text(office), "bring": services.bring_list()})


@role_required("citizen")
def appointment_voucher(request: HttpRequest) -> HttpResponse:
    application = selectors.application_current(request.user)
    if application is None:
        raise Http404
    try:
        document = services.appointment_voucher(actor=request.user, application_id=application.pk)
    except Conflict:  # the cita changed meanwhile
        messages.error(request, _("Su cita cambió: vuelva a descargar la constancia desde su cita vigente."))
        return redirect("pasaporte:home")
    data = document_pdf(document, actor=request.user, purpose=DOWNLOAD_PURPOSE)
    return _pdf(data, f"constancia-cita-{document.code}.pdf")


@role_required("citizen")
def appointment_calendar(request: HttpRequest) -> HttpResponse:
    """The cita as an .ics file for the person's calendar."""
    application = selectors.application_current(request.user)
    appointment = selectors.appointment_active(application) if application is not None else None
    if appointment is None:
        raise Http404
    reference = citas_selectors.appointment_reference(appointment)
    body = appointment_ics(
        appointment, site=settings.SITE_URL,
        summary=_("Cita de pasaporte electrónico (%(ref)s)") % {"ref": reference},
        description="\n".join([_("Referencia: %(ref)s") % {"ref": reference},
                                _("Qué llevar:"), *("- " + item for item in services.bring_list())]))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{reference.lower()}.ics"'
    return response


@role_required("citizen")
def payment_receipt(request: HttpRequest) -> HttpResponse:
    application = selectors.application_current(request.user)
    if application is None:
        raise Http404
    try:
        document = services.payment_receipt(actor=request.user, application_id=application.pk)
    except Conflict:  # not confirmed by the bank yet
        messages.error(request, _("El comprobante estará disponible cuando el Banco de la Nación confirme el pago."))
        return redirect("pasaporte:home")
    data = document_pdf(document, actor=request.user, purpose=DOWNLOAD_PURPOSE)
    return _pdf(data, f"comprobante-pago-{document.code}.pdf")


# --- officer -------------------------------------------------------------------------------------

# Why an officer's page shows a person's data: kept with each audited read (Ley 29733).
PURPOSE_PAGE = {
    "enroll": "enrolamiento biométrico en ventanilla",
    "deliver": "entrega de pasaporte",
    "review": "revisión de una solicitud observada",
    "office_today": "atención de citas de la sede",
}


def _office_or_403(request: HttpRequest):
    if request.user.office is None:
        raise DjangoPermissionDenied(_("Su usuario no tiene una sede asignada."))
    return request.user.office


def _staff_application(application_id: int, request: HttpRequest, *, page: str) -> Application:
    """The application if it is of the officer's own sede (staff without a sede get 403); its read is audited."""
    office = _office_or_403(request)
    application = selectors.application_for_staff(application_id)
    if application is None:
        raise Http404
    if application.office_id != office.pk:
        raise DjangoPermissionDenied(_("La solicitud es de otra sede."))
    selectors.staff_page_read(actor=request.user, page=page, purpose=PURPOSE_PAGE[page], applications=[application])
    return application


@role_required("officer", "supervisor")
def office_today(request: HttpRequest) -> HttpResponse:
    office = _office_or_403(request)
    S = Application.Status
    context = {
        "office": office, "today": timezone.localdate(),
        "appointments": list(selectors.office_appointments_on(office=office)),
        "observed": list(selectors.office_queue(office=office, statuses=[S.OBSERVED])),
        "ready": list(selectors.office_queue(office=office, statuses=[S.READY])),
        "in_progress": list(selectors.office_queue(office=office, statuses=[S.ENROLLED, S.PERSONALIZING])),
    }
    shown = [a.application for a in context["appointments"]] + context["observed"] + context["ready"] \
        + context["in_progress"]
    selectors.staff_page_read(actor=request.user, page="office_today", purpose=PURPOSE_PAGE["office_today"],
                              applications=shown)
    return render(request, "pasaporte/office_today.html", context)


@role_required("officer")
def enroll(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _staff_application(application_id, request, page="enroll")
    kept = KeptFiles(request, f"pasaporte.enroll:{application.pk}")
    form = EnrollmentForm(request.POST or None, kept.form_files(EnrollmentForm))
    quality = None
    if request.method == "POST" and form.is_valid():
        try:
            application = services.enrollment_record(
                actor=request.user, application_id=application.pk, face=form.images["face"],
                fingers=form.fingers(), signature=form.images["signature"],
            )
        except ApplicationError as exc:
            show_error(request, exc, form)
            quality = exc.extra.get("quality")  # the ICAO report, so the officer sees what to correct
        else:
            kept.clear()
            if application.status == Application.Status.OBSERVED:
                messages.error(request, application.status_text)
                return redirect("pasaporte:review", application_id=application.pk)
            messages.success(request, _("Biometría registrada. El pasaporte pasa a personalización."))
            return redirect("pasaporte:office_today")
    if request.method == "POST":  # repeat only what failed
        kept.keep_form(form, accepted=biometrics.accepted_images(getattr(form, "images", {})))
    kept.show(form)
    return render(request, "pasaporte/enroll.html", {"application": application, "form": form, "quality": quality})


@role_required("officer")
def deliver(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _staff_application(application_id, request, page="deliver")
    kept = KeptFiles(request, f"pasaporte.deliver:{application.pk}")
    form = DeliveryForm(request.POST or None, kept.form_files(DeliveryForm))
    if request.method == "POST" and form.is_valid():
        try:
            services.passport_deliver(actor=request.user, application_id=application.pk, **form.biometric())
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            kept.clear()
            messages.success(request, _("Pasaporte entregado. El pasaporte anterior quedó cancelado."))
            return redirect("pasaporte:office_today")
    if request.method == "POST":
        kept.keep_form(form)
    kept.show(form)
    return render(request, "pasaporte/deliver.html", {
        "application": application, "form": form, "positions": selectors.enrolled_finger_positions(application)})


@role_required("officer", "supervisor")
def review(request: HttpRequest, application_id: int) -> HttpResponse:
    """An observed application: validation hits, or a biometric duplicate case decided here or in biometria."""
    application = _staff_application(application_id, request, page="review")
    case = selectors.application_duplicate_case(application)
    duplicate = case is not None and case.kind == case.Kind.DUPLICATE
    form = (DuplicateDecisionForm if duplicate else ReviewForm)(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "continue":
                services.application_duplicate_continue(actor=request.user, application_id=application.pk)
                messages.success(request, _("Se aplicó la decisión del caso biométrico."))
                return redirect("pasaporte:office_today")
            if form.is_valid():
                _review_decide(request, application, form, duplicate=duplicate)
                messages.success(request, _("Decisión registrada."))
                return redirect("pasaporte:office_today")
        except ApplicationError as exc:
            show_error(request, exc, form)
    return render(request, "pasaporte/review.html", {
        "application": application, "form": form, "checks": selectors.application_checks(application),
        "case": case, "timeline": selectors.application_timeline(application),
    })


def _review_decide(request: HttpRequest, application: Application, form, *, duplicate: bool) -> None:
    if duplicate:
        services.application_duplicate_decide(actor=request.user, application_id=application.pk,
                                              same_person=form.cleaned_data["decision"] == "same",
                                              reason=form.cleaned_data["reason"])
    else:
        services.application_review(actor=request.user, application_id=application.pk,
                                    approve=form.cleaned_data["decision"] == "approve",
                                    reason=form.cleaned_data["reason"])


@role_required("officer")
@require_POST
def no_show(request: HttpRequest, appointment_id: int) -> HttpResponse:
    _office_or_403(request)
    try:
        services.appointment_mark_no_show(actor=request.user, appointment_id=appointment_id)
        messages.success(request, _("Inasistencia registrada; el turno quedó libre."))
    except ApplicationError as exc:
        show_error(request, exc)
    return redirect("pasaporte:office_today")


# --- supervisor ----------------------------------------------------------------------------------

@role_required("supervisor")
def dashboard(request: HttpRequest) -> HttpResponse:
    offices = [request.user.office] if request.user.office else list(selectors.offices_active())
    return render(request, "pasaporte/dashboard.html", {
        "today": timezone.localdate(),
        "boards": [selectors.office_dashboard(office=office) for office in offices],
    })
