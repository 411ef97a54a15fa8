"""Documents rail: PDFs signed with PAdES, a verification code and QR, revocation, /verificar/."""
