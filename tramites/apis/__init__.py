"""REST API of the Agencia Digital for the applicant's app and partner channels (docs/API_TRAMITES.md).

The catalogue and eligibility, tying the account to the RIM record, a case from its draft to its filing
(answers, files, payment, submit), its status, the answer to an observation and its extension, the
reconsideración, withdrawal and the case's notices. One view per operation; each calls one service or
selector of tramites, which check that the case is the caller's own (404 otherwise) and audit every read;
a reply that shows the case reads it again through `selectors.case_own`. Signed in as on the pages (the
session, with its CSRF token): the project has no token scheme for people.
"""
from .cases import (CaseAnswersSaveApi, CaseAppealApi, CaseCorrectApi, CaseCreateApi,  # noqa: F401
                    CaseExtensionRequestApi, CaseFileUploadApi, CaseListApi, CaseNoticeListApi,
                    CasePaymentOrderApi, CasePaymentReceiptApi, CaseStatusApi, CaseSubmitApi, CaseWithdrawApi,
                    submit_key_for)
from .catalogue import ApplicantLinkApi, ProcedureEligibilityApi, ProcedureListApi  # noqa: F401
