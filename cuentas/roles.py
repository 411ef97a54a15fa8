"""The portal's roles: one Django group each, with the permissions that go with it."""
CITIZEN = "citizen"
FOREIGNER = "foreigner"
OFFICER = "officer"
SUPERVISOR = "supervisor"
DEVICE = "device"
INSTITUTION = "institution"

ALL_ROLES = (CITIZEN, FOREIGNER, OFFICER, SUPERVISOR, DEVICE, INSTITUTION)
# Roles that handle other people's data from the back office must pass TOTP.
STAFF_ROLES = frozenset({OFFICER, SUPERVISOR})

LABELS = {
    CITIZEN: "Ciudadano",
    FOREIGNER: "Extranjero",
    OFFICER: "Servidor",
    SUPERVISOR: "Supervisor",
    DEVICE: "Dispositivo",
    INSTITUTION: "Institución",
}

# Model permissions granted to each role, as "app_label.codename"; apps add theirs here.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    OFFICER: (
        "rim.view_person",
        "rim.view_identitydocument",
        "rim.view_movement",
        "rim.view_alert",
        "control.view_crossing",
        "control.view_check",
        "control.add_travelpermit",
        "tam.view_tam",
        "biometria.view_enrollment",
        "biometria.view_duplicatecase",
    ),
    SUPERVISOR: (
        "rim.view_person",
        "rim.change_person",
        "rim.view_identitydocument",
        "rim.view_movement",
        "rim.view_alert",
        "rim.add_alert",
        "rim.change_alert",
        "auditoria.view_auditentry",
        "control.view_crossing",
        "control.view_check",
        "pagos.change_fee",
        "pagos.change_uit",
        "pagos.view_payment",
        "pagos.refund_payment",
        "egates.view_gatestatus",
        "tam.view_tam",
    ),
}
